"""Cases from the independent check (scripts/independent_check/REPORT.md) that minigluon now
matches: each prints MXNet 1.9.1's values, exception types and messages. A message from one of
MXNet's C++ checks is printed as its last line with any 'MXNetError: ' prefix dropped, as the
check's runner does."""

# prints an exception's type and the message line a user reads (a C++ check's is the last line)
_SHOW = ("def show(call):\n"
         "    try:\n"
         "        print(call())\n"
         "    except Exception as err:\n"
         "        line = str(err).strip().splitlines()[-1]\n"
         "        print(type(err).__name__, line[len('MXNetError: '):] if line.startswith('MXNetError: ') else line)\n")

CASES = {
    # ----- Optimizer.update called directly on NDArrays ------------------------------------------
    'optimizer_direct_update': (
        "for name in ('sgd', 'adam', 'adagrad', 'adadelta'):\n"
        "    for hp in ({}, {'clip_gradient': 0.5}, {'clip_gradient': 0.5, 'wd': 0.1, 'rescale_grad': 0.5},\n"
        "               {'momentum': 0.9, 'clip_gradient': 0.5}):\n"
        "        if 'momentum' in hp and name != 'sgd':\n"
        "            continue\n"
        "        o = mx.optimizer.create(name, learning_rate=0.1, **hp)\n"
        "        w = nd.array([0.3, -0.2, 1.0]); s = o.create_state(0, w)\n"
        "        for g in ([-3., 0.2, 0.7], [1.0, -0.4, 0.05]):\n"
        "            o.update(0, w, nd.array(g), s)\n"
        "        print(name, hp, w.asnumpy().tobytes().hex(), type(w).__name__)\n"
        "o = mx.optimizer.SGD(learning_rate=1, clip_gradient=0.5); w = nd.zeros(2)\n"
        "o.update(0, w, nd.array([-3., 0.2]), None); print(w)"),
}
