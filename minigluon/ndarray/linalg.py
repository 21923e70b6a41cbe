"""``mx.nd.linalg``: of MXNet's linear-algebra operators, the matrix product ``gemm2``."""
from ..base import alias
from .ops import linalg_gemm2

gemm2 = alias(linalg_gemm2, 'gemm2')
