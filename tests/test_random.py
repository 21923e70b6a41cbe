"""mx.random: MXNet 1.9.1's CPU samplers bit for bit. Every expected number below is MXNet's:
the random_* cases of tests/differential/cases_reference.py make the same calls, and
``scripts/record_mxnet.py reference`` re-records what MXNet 1.9.1 prints for them."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigluon as mx
from minigluon import nd

f32 = np.float32


def test_seed_0_sequence():
    mx.random.seed(0)
    a = nd.random.uniform(shape=(2, 3))
    assert a.dtype is np.float32 and a.shape == (2, 3)
    assert a.asnumpy().tolist() == [[f32(0.54881352186203), f32(0.5928446054458618),
                                     f32(0.7151893377304077)],
                                    [f32(0.8442657589912415), f32(0.6027633547782898),
                                     f32(0.8579456210136414)]]
    assert repr(a) == ('\n[[0.5488135  0.5928446  0.71518934]\n [0.84426576 0.60276335 0.8579456 ]]'
                       '\n<NDArray 2x3 @cpu(0)>')
    assert nd.random.uniform(shape=(2, 3)).asnumpy()[0].tolist() == [
        f32(0.5448831915855408), f32(0.8472517132759094), f32(0.42365479469299316)]
    b = nd.random.uniform(-1, 1, shape=(2, 2))
    assert b.asnumpy().tolist() == [[f32(-0.12482559680938721), f32(-0.4049307703971863)],
                                    [f32(0.783545970916748), f32(-0.8865740299224854)]]
    c = nd.random.normal(0, 1, shape=(3, 4))
    assert repr(c) == ('\n[[-0.45138445  0.57938355 -1.856082   -1.9768796 ]\n'
                       ' [-0.20801921  0.2444218  -0.03716067 -0.48774993]\n'
                       ' [-0.02261727  0.57461417  1.4661262   0.6862904 ]]\n<NDArray 3x4 @cpu(0)>')
    d = nd.random.uniform(shape=(256, 20)).asnumpy()
    assert d[:2, :4].tolist() == [[f32(0.11827442049980164), f32(0.7206326723098755),
                                   f32(0.6399210095405579), f32(0.5820198059082031)],
                                  [f32(0.01878979802131653), f32(0.3241409957408905),
                                   f32(0.6176354885101318), f32(0.14967486262321472)]]
    assert d[-1, -4:].tolist() == [f32(0.08506934344768524), f32(0.2108987718820572),
                                   f32(0.5326462984085083), f32(0.9069035649299622)]
    assert d.astype(np.float64).sum() == 2559.428738711402
    assert (d.astype(np.float64) ** 2).sum() == 1705.9594608048365


def checksums(x):
    v = x.asnumpy().astype(np.float64).ravel()
    return v.sum(), (v * np.arange(v.size)).sum()


def test_2000_uniforms_match_mxnet():
    mx.random.seed(42)
    u = nd.random.uniform(-2, 3, shape=(2000,))
    v = u.asnumpy()
    assert v[:4].tolist() == [f32(2.145468235015869), f32(1.7391746044158936),
                              f32(0.7909066677093506), f32(0.8286769390106201)]
    assert v[1000:1003].tolist() == [f32(1.7019994258880615), f32(-0.8662495613098145),
                                     f32(-0.9840281009674072)]
    assert checksums(u) == (1052.8171665668488, 1073638.2645087242)


def test_2000_normals_match_mxnet():
    mx.random.seed(42)
    nd.random.uniform(-2, 3, shape=(2000,))
    n = nd.random.normal(1, 2, shape=(40, 50))
    v = n.asnumpy()
    assert v[0, :4].tolist() == [f32(0.9916219711303711), f32(1.2261760234832764),
                                 f32(2.574544906616211), f32(2.061826229095459)]
    assert v[-1, -3:].tolist() == [f32(0.9118650555610657), f32(0.8301132321357727),
                                   f32(-1.5242431163787842)]
    assert checksums(n) == (2162.4383071660995, 2134425.2747219205)


@pytest.mark.parametrize('seed, kind, dtype, expected', [
    (7, 'normal', None, [0.802839994430542, -0.839981734752655, -1.0016950368881226,
                         0.7227799892425537, 0.6632436513900757]),
    (7, 'normal', 'float64', [-0.7067798568670697, 0.6469388922542194, 0.6044185439071476,
                              1.8688606430796317, -0.21671875160478937]),
    (7, 'uniform', 'float64', [0.9175162304724938, 0.9977071727178939, 0.29338742251265704,
                               0.12915142425458806, 0.6085643338213522]),
    (7, 'uniform', 'float16', [0.91748046875, 0.99755859375, 0.29345703125, 0.129150390625,
                               0.6083984375]),
    (-3, 'uniform', None, [0.37028229236602783, 0.246220201253891, 0.43969058990478516]),
    (2 ** 31 - 1, 'uniform', None, [0.8067560195922852, 0.3512439727783203,
                                    0.8050466179847717]),
    (5, 'uniform', None, [0.8607373237609863, 0.3226202428340912, 0.766228437423706]),
])
def test_other_seeds_and_dtypes_match_mxnet(seed, kind, dtype, expected):
    mx.random.seed(seed)
    # dtype left out, not None: MXNet 1.9.1 samples float64 for an explicit dtype=None
    x = getattr(nd.random, kind)(shape=len(expected), **({'dtype': dtype} if dtype else {}))
    assert x.dtype is np.dtype(dtype or 'float32').type
    assert x.asnumpy().tolist() == np.array(expected, dtype=x.dtype).tolist()


def test_seeding_twice_gives_the_same_numbers():
    mx.random.seed(11)
    a = nd.random.normal(shape=(3000,)).asnumpy()
    mx.random.seed(11)
    b = nd.random.normal(shape=(3000,)).asnumpy()
    c = nd.random.normal(shape=(3000,)).asnumpy()
    assert np.array_equal(a, b) and not np.array_equal(b, c)
    mx.random.seed(5, ctx=mx.cpu())
    assert nd.random.uniform(shape=1).asscalar() == f32(0.8607373237609863)


def test_samples_have_the_right_distribution():
    mx.random.seed(0)
    u = nd.random.uniform(2, 4, shape=(100000,)).asnumpy()
    n = nd.random.normal(1, 3, shape=(100000,)).asnumpy()
    assert 2 <= u.min() and u.max() < 4 and abs(u.mean() - 3) < 0.01
    assert abs(n.mean() - 1) < 0.03 and abs(n.std() - 3) < 0.03


def test_out_and_ctx_arguments():
    out = nd.zeros((2, 2), ctx=mx.cpu(1))
    r = nd.random.uniform(shape=(9, 9), out=out)
    assert r is out and out.context == mx.cpu(1) and out.asnumpy().min() > 0
    assert nd.random.normal(shape=(2,), ctx=mx.cpu(2)).context == mx.cpu(2)
    assert nd.random.uniform(shape=(0,)).shape == (0,)


@pytest.mark.parametrize('bad', ['x', 1.5, None])
def test_seed_must_be_an_int(bad):
    with pytest.raises(ValueError, match='seed_state must be int'):
        mx.random.seed(bad)


@pytest.mark.parametrize('call, message', [
    (lambda: nd.random.normal(0, -1, shape=(2,)),
     'param.scale > 0 (-1 vs. 0) : scale parameter in gaussian has to be positive'),
    (lambda: nd.random.uniform(0.7, 0.1, shape=(2,)),
     'param.high >= param.low (0.1 vs. 0.7) : low must be less or equal to high in uniform distribution'),
    (lambda: nd.random.exponential(-3),
     'param.lam > 0 (-0.333333 vs. 0) : lambda parameter in exponential distribution has to be positive'),
    (lambda: nd.random.poisson(-1),
     'param.lam >= 0 (-1 vs. 0) : lambda parameter in poisson distribution has to be non-negative'),
    (lambda: nd.random.gamma(1, -2),
     'param.beta > 0 (-2 vs. 0) : beta parameter in gamma distribution has to be positive'),
    (lambda: nd.random.negative_binomial(1, -0.5),
     'param.p >= 0 (-0.5 vs. 0) : p parameter in negative binomial distribution has to be non-negative'),
    (lambda: nd.random.generalized_negative_binomial(-1, 0.5),
     'param.mu >= 0 (-1 vs. 0) : mu parameter in generalized negative binomial distribution has to be '
     'non-negative'),
    (lambda: nd.random.randint(5, 2), 'param.high >= param.low (2 vs. 5) : low must be less or equal '
     'to high in uniform distribution'),
    (lambda: nd.random.normal_like(nd.ones(2), 0, 0),
     'param.scale > 0 (0 vs. 0) : scale parameter in gaussian has to be positive'),
])
def test_invalid_scalar_parameters_raise_mxnets_check(call, message):
    # the independent check's rnd_normal_bad_scale; messages recorded in cases_independent.py
    with pytest.raises(mx.MXNetError) as info:
        call()
    assert str(info.value) == 'Check failed: ' + message


@given(st.floats(-10, 10, width=32), st.floats(-10, 10, width=32))
def test_normal_and_uniform_accept_exactly_mxnets_domain(a, b):
    for call, valid in ((lambda: nd.random.normal(a, b), b > 0), (lambda: nd.random.uniform(a, b), b >= a)):
        if valid:
            assert call().shape == (1,)
        else:
            with pytest.raises(mx.MXNetError, match='^Check failed: param'):
                call()


def test_parameter_arrays_are_not_checked():
    # MXNet's _sample_normal / _sample_uniform do not check their parameter arrays
    assert nd.random.normal(nd.zeros(2), nd.array([1, -1])).shape == (2,)
    assert nd.random.uniform(nd.array([2, 0]), nd.array([1, 1])).shape == (2,)
