"""Sparse storage is not part of minigluon: asking for it raises NotImplementedError instead of
silently giving a dense array (MXNet's own test_gluon and test_autograd ask for it), and an
unknown Parameter stype is MXNet's AssertionError."""
import pytest

import minigluon as mx


@pytest.mark.parametrize('make, said', [
    (lambda s: mx.nd.zeros((2,), stype=s), 'nd.zeros stype'),
    (lambda s: mx.nd.ones((2,), stype=s), 'nd.ones stype'),
    (lambda s: mx.nd.ones((2,)).attach_grad(stype=s), 'attach_grad stype'),
    (lambda s: mx.gluon.Parameter('w', shape=(2,), stype=s), 'Parameter stype'),
    (lambda s: mx.gluon.Parameter('w', shape=(2,), grad_stype=s), 'Parameter grad_stype'),
])
@pytest.mark.parametrize('stype', ['row_sparse', 'csr'])
def test_sparse_storage_is_refused(make, said, stype):
    with pytest.raises(NotImplementedError) as error:
        make(stype)
    message = str(error.value)
    assert message.startswith("%s='%s' is not part of minigluon" % (said, stype)), message
    assert 'but not sparse storage' in message and 'compatibility' in message
    make('default')  # dense, the only storage here, is fine


@pytest.mark.parametrize('argument', ['stype', 'grad_stype'])
def test_unknown_parameter_stype_is_mxnets_assertion(argument):
    with pytest.raises(AssertionError) as error:
        mx.gluon.Parameter('weight', shape=(2,), **{argument: 'invalid'})
    assert str(error.value) == ("%s for Parameter 'weight' must be one of 'default', 'row_sparse', "
                                "or 'csr', but got 'invalid'" % argument)  # MXNet 1.9.1's words
