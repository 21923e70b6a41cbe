"""mx.lr_scheduler, and the NAG and centered RMSProp updates: the rules behind them for any
inputs. MXNet's exact rates and bit-exact weights are the differential cases in
tests/differential/cases_training.py."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from minigluon import MXNetError, autograd, gluon, init, lr_scheduler, nd, optimizer
from minigluon.gluon import nn

rates = st.floats(1e-4, 10)
counts = st.lists(st.integers(0, 500), min_size=1, max_size=30).map(sorted)


# ----- schedulers ------------------------------------------------------------------------------
@given(step=st.integers(1, 20), factor=st.floats(0.05, 1), base=rates, stop=st.floats(1e-8, 1e-2),
       ns=counts)
def test_factor_scheduler_multiplies_once_per_step_down_to_its_floor(step, factor, base, stop, ns):
    sched = lr_scheduler.FactorScheduler(step, factor, stop_factor_lr=stop, base_lr=base)
    for n in ns:
        drops = max(0, (n - 1) // step)
        floored = max(base * factor ** drops, stop) if drops else base  # the floor acts at a drop
        assert math.isclose(sched(n), floored, rel_tol=1e-9)


@given(st.lists(st.integers(1, 300), min_size=1, max_size=6, unique=True).map(sorted),
       st.floats(0.05, 1), rates, counts)
def test_multifactor_scheduler_multiplies_at_each_step_passed(steps, factor, base, ns):
    sched = lr_scheduler.MultiFactorScheduler(steps, factor, base_lr=base)
    for n in ns:
        passed = sum(n > s for s in steps)
        assert math.isclose(sched(n), base * factor ** passed, rel_tol=1e-9)


@pytest.mark.parametrize('make', [
    lambda **kw: lr_scheduler.PolyScheduler(100, pwr=3, **kw),
    lambda **kw: lr_scheduler.CosineScheduler(100, **kw),
], ids=['poly', 'cosine'])
@given(base=st.floats(0.1, 10), final=st.floats(0, 0.09), warmup=st.integers(0, 50),
       begin=st.floats(0, 0.09))
def test_decays_go_from_base_to_final_after_a_linear_warmup(make, base, final, warmup, begin):
    sched = make(base_lr=base, final_lr=final, warmup_steps=warmup, warmup_begin_lr=begin)
    values = [sched(n) for n in range(130)]
    for n in range(warmup):  # linear warm-up from begin towards base
        assert math.isclose(values[n], begin + (base - begin) * n / warmup, rel_tol=1e-12)
    assert math.isclose(values[warmup], base, rel_tol=1e-12)
    decay = values[warmup:101]
    assert all(a >= b - 1e-12 for a, b in zip(decay, decay[1:]))  # never rises
    assert math.isclose(values[100], final, abs_tol=1e-12) and set(values[100:]) == {values[100]}


def test_constant_warmup_holds_the_begin_rate():
    sched = lr_scheduler.CosineScheduler(10, base_lr=1, warmup_steps=4, warmup_begin_lr=0.2,
                                         warmup_mode='constant')
    assert [sched(n) for n in range(5)] == [0.2, 0.2, 0.2, 0.2, 1.0]


@pytest.mark.parametrize('make, error, message', [
    (lambda: lr_scheduler.FactorScheduler(0), ValueError, 'Schedule step must be greater'),
    (lambda: lr_scheduler.FactorScheduler(1, factor=1.5), ValueError, 'Factor must be no more'),
    (lambda: lr_scheduler.MultiFactorScheduler([3, 2]), ValueError, 'an increasing integer list'),
    (lambda: lr_scheduler.MultiFactorScheduler(3), AssertionError, '^$'),
    (lambda: lr_scheduler.PolyScheduler(0), ValueError, 'strictly positive'),
    (lambda: lr_scheduler.CosineScheduler(1.5), AssertionError, '^$'),
    (lambda: lr_scheduler.CosineScheduler(9, warmup_mode='step'), ValueError,
     'linear and constant'),
    (lambda: lr_scheduler.CosineScheduler(9, warmup_begin_lr=1), ValueError, 'higher than warmup'),
    (lambda: lr_scheduler.CosineScheduler(9, warmup_steps=-1), ValueError, 'positive or 0'),
    (lambda: lr_scheduler.LRScheduler()(3), NotImplementedError, 'must override'),
])
def test_bad_arguments_raise_mxnets_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


# ----- schedulers in optimizers and trainers ---------------------------------------------------
def test_optimizer_asks_its_scheduler_at_each_update_count():
    sgd = optimizer.SGD(lr_scheduler=lr_scheduler.MultiFactorScheduler([1, 2], 0.5, base_lr=1.0))
    weight = np.zeros(1, np.float32)
    for _ in range(3):
        sgd.update(0, weight, np.ones(1, np.float32), None)
    np.testing.assert_array_equal(weight, [-(1 + 0.5 + 0.25)])
    assert sgd.learning_rate == 0.25 and sgd.lr is None


def test_learning_rate_argument_overrides_the_schedulers_base_rate(capsys):
    sched = lr_scheduler.FactorScheduler(1, 0.5)
    opt = optimizer.SGD(learning_rate=0.4, lr_scheduler=sched)
    assert sched.base_lr == 0.4 and opt.learning_rate == 0.4
    assert capsys.readouterr().out == ('learning rate from ``lr_scheduler`` has been overwritten '
                                       'by ``learning_rate`` in optimizer.\n')
    optimizer.SGD(learning_rate=0.4, lr_scheduler=lr_scheduler.FactorScheduler(1, base_lr=0.4))
    assert capsys.readouterr().out == ''


def test_trainer_with_a_scheduler_refuses_set_learning_rate_and_saving(tmp_path):
    net = nn.Dense(1, in_units=2)
    net.initialize(init.One())
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'lr_scheduler': lr_scheduler.FactorScheduler(1, 0.5, base_lr=0.1)})
    for _ in range(3):
        with autograd.record():
            loss = net(nd.ones((1, 2))).sum()
        loss.backward()
        trainer.step(1)
    # rates 0.1, 0.05, 0.025 on a gradient of 1 per step
    np.testing.assert_allclose(net.bias.data().asnumpy(), [-0.175], rtol=1e-6)
    assert trainer.learning_rate == 0.025
    with pytest.raises(UserWarning, match='LRScheduler of the optimizer has already been defined'):
        trainer.set_learning_rate(0.3)
    with pytest.raises(MXNetError, match='lr_scheduler'):
        trainer.save_states(str(tmp_path / 'states'))


# ----- NAG and centered RMSProp against float64 references -------------------------------------
grads = st.lists(arrays(np.float64, (3,), elements=st.floats(-10, 10)), min_size=1, max_size=4)
weights = arrays(np.float64, (3,), elements=st.floats(-5, 5))
f32 = lambda v: float(np.float32(v))  # noqa: E731 - MXNet's kernels take float32 parameters


@settings(deadline=None)
@given(weights, grads, st.sampled_from([0.0, 0.5, 0.9]), st.sampled_from([0.0, 0.1]))
def test_nag_is_nesterov_momentum(w, gs, momentum, wd):
    lr, rescale = 0.1, 0.5
    nag = optimizer.NAG(learning_rate=lr, momentum=momentum, wd=wd, rescale_grad=rescale)
    weight = w.copy()
    state = nag.create_state(0, weight)
    assert (state is None) == (momentum == 0)
    ref, mom = w.copy(), np.zeros(3)
    lr, momentum, wd = f32(lr), f32(momentum), f32(wd)
    for g in gs:
        nag.update(0, weight, g, state)
        step = lr * (rescale * g + wd * ref)
        ref = ref + momentum * (momentum * mom - step) - step
        mom = momentum * mom - lr * (rescale * g + wd * ref)  # MXNet: the updated weight's decay
    np.testing.assert_allclose(weight, ref, rtol=1e-12, atol=1e-12)


def test_nag_clips_the_rescaled_gradient():
    nag = optimizer.NAG(learning_rate=1.0, momentum=0.5, clip_gradient=0.25)
    weight, state = np.zeros(2), np.zeros(2)
    nag.update(0, weight, np.array([3.0, -0.1]), state)
    np.testing.assert_allclose(weight, [-0.25 * 1.5, 0.1 * 1.5])


@settings(deadline=None)
@given(weights, grads)
def test_centered_rmsprop_divides_by_the_gradients_running_deviation(w, gs):
    lr, gamma1, gamma2, eps, wd = 0.01, 0.9, 0.8, 1e-8, 0.1
    rms = optimizer.RMSProp(learning_rate=lr, gamma1=gamma1, gamma2=gamma2, epsilon=eps, wd=wd,
                            centered=True)
    weight = w.copy()
    state = rms.create_state(0, weight)
    ref, n, m, delta = w.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    lr, gamma1, gamma2, eps, wd = map(f32, (lr, gamma1, gamma2, eps, wd))
    for g in gs:
        rms.update(0, weight, g, state)
        g = g + wd * ref
        n = (1 - gamma1) * g * g + gamma1 * n
        m = (1 - gamma1) * g + gamma1 * m
        delta = gamma2 * delta - lr * g / np.sqrt(n - m * m + eps)
        ref = ref + delta
    np.testing.assert_allclose(weight, ref, rtol=1e-9, atol=1e-12)
