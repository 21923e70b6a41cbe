"""The code examples of the notes this book follows, verbatim.

The notes are the "deep learning computation" chapter of Dive into Deep Learning (MXNet
edition, Chinese), kept outside this repository. Their snippets are copied here in the
notes' order, except: ``mxnet`` -> ``minigluon``; the leading space the notes put before
``class MyDense`` and ``x2 = nd.load('x')`` is dropped (it is a typo: the lines do not
parse); the in_units example, which the notes put inside a prose block, is the code lines
of that block. The notes use ``init`` and ``X`` without defining them first, so PRELUDE does.

This is the one copy of the book's example blocks (MLP, MySequential, FancyMLP, MyDense,
MyInit) in the tests and in the scripts that run MXNet: tests/book_blocks.py defines them from
these snippets on either framework, and tests/test_seed_examples.py runs the snippets as the
notes do.
"""

PRELUDE = '''
import minigluon as mx
from minigluon import init, nd
X = nd.random.uniform(shape=(2, 20))
'''

MLP_IMPORTS = '''
from minigluon import nd
from minigluon.gluon import nn'''
MLP_CLASS = '''
class MLP(nn.Block):
    # 声明带有模型参数的层，这⾥声明了两个全连接层
    def __init__(self, **kwargs):
        # 调⽤MLP⽗类Block的构造函数来进⾏必要的初始化。这样在构造实例时还可以指定其他函数
        # 参数，如“模型参数的访问、初始化和共享”⼀节将介绍的模型参数params
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu') # 隐藏层
        self.output = nn.Dense(10) # 输出层
        # 定义模型的前向计算，即如何根据输⼊x计算返回所需要的模型输出
    def forward(self, x):
        return self.output(self.hidden(x))
'''
MLP_SNIPPET = MLP_IMPORTS + MLP_CLASS

MY_SEQUENTIAL_CLASS = '''
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super(MySequential, self).__init__(**kwargs)
    def add(self, block):
        # block是⼀个Block⼦类实例，假设它有⼀个独⼀⽆⼆的名字。我们将它保存在Block类的
        # 成员变量_children⾥，其类型是OrderedDict。当MySequential实例调⽤
        # initialize函数时，系统会⾃动对_children⾥所有成员初始化
        self._children[block.name] = block
    def forward(self, x):
        # OrderedDict保证会按照成员添加时的顺序遍历成员
        for block in self._children.values():
            x = block(x)
        return x
'''
MY_SEQUENTIAL_SNIPPET = MY_SEQUENTIAL_CLASS + '''net = MySequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()
print(net(X))
'''

FANCY_MLP_SNIPPET = '''
class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super(FancyMLP, self).__init__(**kwargs)
        # 使⽤get_constant创建的随机权重参数不会在训练中被迭代（即常数参数）
        self.rand_weight = self.params.get_constant(
            'rand_weight', nd.random.uniform(shape=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')
    def forward(self, x):
        x = self.dense(x)
        # 使⽤创建的常数参数，以及NDArray的relu函数和dot函数
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        # 复⽤全连接层。等价于两个全连接层共享参数
        x = self.dense(x)
        # 控制流，这⾥我们需要调⽤asscalar函数来返回标量进⾏⽐较
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()
'''

ACCESS_SNIPPET = '''
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize() # 使⽤默认初始化⽅式
X = nd.random.uniform(shape=(2, 20))
Y = net(X) # 前向计算
# 对于使⽤Sequential类构造的神经⽹络，我们可以通过⽅括号[]来访问⽹络的任⼀层
print( net[0].params, type(net[0].params))#查看网络所有参数
print( net[0].params['dense0_weight'], net[0].weight)# 通过名字来访问字典⾥的元素，也可以直接使⽤它的变量名
print(net[0].weight.data(),net[0].weight.grad())# 查看参数和梯度
print(net[1].bias.data())#访问其他层的参数，如输出层的偏差值
print( net.collect_params())#使⽤collect_params函数来获取net变量所有嵌套（例如通过add函数嵌套）的层所包含的所有参数
print(net.collect_params('.*weight'))# 可以通过正则表达式来匹配参数名，从而筛选需要的参数
'''

INIT_SNIPPET = '''
# 2.初始化模型参数
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)# # ⾮⾸次对模型初始化需要指定force_reinit为真
print(net[0].weight.data()[0])
net.initialize(init=init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0])#初始化权重参数
#对某个特定的参数进行初始化
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)#Xavier随机初始化
print(net[0].weight.data()[0])
'''

MY_INIT_CLASS = '''
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5
'''
MY_INIT_SNIPPET = '''
# 3.自定义参数''' + MY_INIT_CLASS + '''net.initialize(MyInit(), force_reinit=True)
net[0].weight.data()[0]
'''

SET_DATA_SNIPPET = '''
net[0].weight.set_data(net[0].weight.data() + 1)
net[0].weight.data()[0]
'''

SHARED_SNIPPET = '''
# 4.共享模型参数
net = nn.Sequential()
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
    shared,
    nn.Dense(8, activation='relu', params=shared.params),#使用shared层的参数
    nn.Dense(10))
net.initialize()
X = nd.random.uniform(shape=(2, 20))
net(X)
print(net[1].weight.data()[0] == net[2].weight.data()[0])
'''

IN_UNITS_SNIPPET = '''
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'))
net.add(nn.Dense(10, in_units=256))
net.initialize(init=MyInit())
'''

MY_DENSE_SNIPPET = '''
class MyDense(nn.Block):
    # units为该层的输出个数，in_units为该层的输⼊个数
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))
    def forward(self, x):
        linear = nd.dot(x, self.weight.data()) + self.bias.data()
        return nd.relu(linear)
'''

SAVE_SNIPPET = '''
# 基础使用
x = nd.ones(3)
nd.save('x', x)
x2 = nd.load('x')
'''

GPU_SNIPPETS = [
    "a = nd.array([1, 2, 3], ctx=mx.gpu())",
    "y = x.copyto(mx.gpu())\nz = x.as_in_context(mx.gpu())",
    "net.initialize(ctx=mx.gpu())#初始化",
]
