"""The error type every minigluon failure that MXNet reports as its own error uses."""


class MXNetError(RuntimeError):
    """Error raised by minigluon where MXNet raises ``mxnet.base.MXNetError``."""


class MXNetValueError(MXNetError, ValueError):
    """An MXNetError for a bad argument, where MXNet raises ValueError."""


class MXNetAssertionError(MXNetError, AssertionError):
    """An MXNetError for a failed check, where MXNet raises AssertionError."""
