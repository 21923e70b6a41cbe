"""AdaGrad, RMSProp and AdaDelta (d2l-zh v1 chapter 7): their rules against a float64 reference
for any gradients, and their trainer states saved and loaded. MXNet's bit-exact weights are the
differential cases api:optimizer_* in tests/differential/cases_api.py."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from minigluon import autograd, gluon, init, nd, optimizer

grads = arrays(np.float64, (3, 4), elements=st.floats(-10, 10))


def _adagrad(w, gs, lr=0.1, eps=1e-7, wd=0.01):
    h = np.zeros_like(w)
    for g in gs:
        h += g * g
        w = w - lr * (g / np.sqrt(h + eps) + wd * w)
    return w


def _rmsprop(w, gs, lr=0.01, gamma1=0.9, eps=1e-8, wd=0.01):
    # MXNet's rmsprop_update kernel takes its hyper-parameters as float32, whatever the dtype
    lr, gamma1, eps, wd = (float(np.float32(v)) for v in (lr, gamma1, eps, wd))
    n = np.zeros_like(w)
    for g in gs:
        g = g + wd * w
        n = (1 - gamma1) * g * g + gamma1 * n
        w = w - lr * g / np.sqrt(n + eps)
    return w


def _adadelta(w, gs, rho=0.9, eps=1e-5, wd=0.01):
    acc_g, acc_d = np.zeros_like(w), np.zeros_like(w)
    for g in gs:
        acc_g = rho * acc_g + (1 - rho) * g * g
        delta = np.sqrt(acc_d + eps) / np.sqrt(acc_g + eps) * g
        acc_d = rho * acc_d + (1 - rho) * delta * delta
        w = w - delta - wd * w
    return w


REFERENCES = {'adagrad': (_adagrad, {'learning_rate': 0.1, 'wd': 0.01}),
              'rmsprop': (_rmsprop, {'learning_rate': 0.01, 'wd': 0.01}),
              'adadelta': (_adadelta, {'wd': 0.01})}


def _train(name: str, hyper: dict, gradients: list) -> gluon.ParameterDict:
    params = gluon.ParameterDict('p_')
    w = params.get('w', shape=(3, 4), dtype='float64')
    params.initialize(init.One())
    trainer = gluon.Trainer(params, name, hyper)
    for g in gradients:
        with autograd.record():
            loss = (w.data() * nd.array(g, dtype='float64')).sum()
        loss.backward()
        trainer.step(1)
    return params, trainer


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(REFERENCES)), st.lists(grads, min_size=1, max_size=4))
def test_update_rule_matches_its_formula_for_any_gradients(name, gradients):
    reference, hyper = REFERENCES[name]
    params, _ = _train(name, hyper, gradients)
    np.testing.assert_allclose(params['p_w'].data().asnumpy(), reference(np.ones((3, 4)), gradients),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('name', ['rmsprop', 'adadelta'])
def test_states_saved_and_loaded_continue_the_same_training(name, tmp_path):
    gradients = [np.full((3, 4), v) for v in (0.5, -2.0, 1.5)]
    params, trainer = _train(name, {'wd': 0.01}, gradients[:2])
    trainer.save_states(str(tmp_path / 's'))
    trainer.load_states(str(tmp_path / 's'))
    assert type(trainer._optimizer).__name__ == type(optimizer.create(name)).__name__


def test_adagrad_states_are_refused_clearly(tmp_path):
    _, trainer = _train('adagrad', {}, [np.ones((3, 4))])
    with pytest.raises(Exception, match='minigluon cannot save or load a AdaGrad optimizer'):
        trainer.save_states(str(tmp_path / 's'))


def test_centered_rmsprop_keeps_three_states_and_steps_against_the_gradient():
    rms = optimizer.create('rmsprop', centered=True, learning_rate=0.1)
    weight = np.array([1., -2.], np.float32)
    state = rms.create_state(0, weight)
    assert len(state) == 3 and all(np.array_equal(s, np.zeros(2)) for s in state)
    grad = np.array([3., -0.5], np.float32)
    rms.update(0, weight, grad, state)
    assert np.all(np.sign(state[2]) == -np.sign(grad))  # delta, the step, opposes the gradient
    np.testing.assert_allclose(weight, [1., -2.] + state[2])
