"""``gluon.utils``: split a batch across devices, clip gradients, download files."""
from __future__ import annotations

import functools
import hashlib
import os
import warnings

import numpy as np

from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download',
           'replace_file']

_DEFAULT_REPO = 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/'
_CHUNK = 1 << 20
_SOCKET_TIMEOUT_S = 60  # MXNet's requests.get has none: a dead server would hang forever


def split_data(data: NDArray, num_slice: int, batch_axis: int = 0,
               even_split: bool = True) -> list:
    """Split ``data`` into ``num_slice`` slices along ``batch_axis`` (always a list).

    With ``even_split=False`` the first ``size % num_slice`` slices get one more element.
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. "
            "Use a batch size that's multiple of %d or set even_split=False to allow "
            "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis, num_slice))
    n_each, extras = divmod(size, num_slice)
    sizes = [0] + extras * [n_each + 1] + (num_slice - extras) * [n_each]
    points = [int(p) for p in np.cumsum(sizes)]
    if batch_axis != 0:
        return [nd.slice_axis(data, axis=batch_axis, begin=points[i], end=points[i + 1])
                for i in range(num_slice)]
    return [data[points[i]:points[i + 1]] for i in range(num_slice)]


def split_and_load(data, ctx_list: list, batch_axis: int = 0, even_split: bool = True) -> list:
    """Split ``data`` into ``len(ctx_list)`` slices and copy slice i to ``ctx_list[i]``."""
    if not isinstance(data, NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays: list, max_norm: float, check_isfinite: bool = True):
    """Scale ``arrays`` in place so that their joint 2-norm is at most ``max_norm``.

    Returns the norm before scaling: a float (NumPy float32), or with
    ``check_isfinite=False`` an NDArray of shape (1,), so that nothing waits for the value.
    A nan or inf norm warns (the scaled values are then undefined).
    """
    if not arrays:
        raise AssertionError()
    ctx = arrays[0].context

    def squared_norm(array):
        flat = array.reshape((-1,))
        return nd.dot(flat, flat).as_in_context(ctx)
    total_norm = nd.sqrt(functools.reduce(lambda a, b: a + b, map(squared_norm, arrays)))
    if check_isfinite and not np.isfinite(total_norm.asscalar()):
        warnings.warn(UserWarning('nan or inf is detected. Clipping results will be undefined.'),
                      stacklevel=2)
    scale = max_norm / (total_norm + 1e-8)
    scale = nd.min(nd.concat(scale, nd.ones(1, ctx=ctx), dim=0))
    for arr in arrays:
        arr *= scale.as_in_context(arr.context)
    return total_norm.asscalar() if check_isfinite else total_norm


def _sha1_of(filename: str) -> str:
    sha1 = hashlib.sha1()
    with open(filename, 'rb') as f:
        for chunk in iter(lambda: f.read(_CHUNK), b''):
            sha1.update(chunk)
    return sha1.hexdigest()


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the SHA-1 of the file's content is ``sha1_hash`` (hexadecimal)."""
    return _sha1_of(filename) == sha1_hash


def replace_file(src: str, dst: str) -> None:
    """Move ``src`` to ``dst`` in one atomic step; on failure remove ``src`` and raise OSError."""
    try:
        os.replace(src, dst)
    except OSError:
        try:
            os.remove(src)
        except OSError:
            pass
        raise OSError('Moving downloaded temp file - {}, to {} failed. '
                      'Please retry the download.'.format(src, dst)) from None


def _fetch(url: str, target: str, verify_ssl: bool) -> None:
    """Write the body of ``url`` to the new file ``target``."""
    import ssl  # here, not at the top: ssl and urllib.request add ~80 ms to `import minigluon`
    import urllib.error
    import urllib.request
    context = None if verify_ssl else ssl._create_unverified_context()
    try:
        response = urllib.request.urlopen(url, timeout=_SOCKET_TIMEOUT_S, context=context)
    except urllib.error.HTTPError as err:
        raise RuntimeError('Failed downloading url {}'.format(url)) from err
    with response, open(target, 'xb') as f:
        if getattr(response, 'status', 200) not in (None, 200):
            raise RuntimeError('Failed downloading url {}'.format(url))
        for chunk in iter(lambda: response.read(_CHUNK), b''):
            f.write(chunk)


def _download_once(url: str, fname: str, sha1_hash: str | None, verify_ssl: bool) -> None:
    """One attempt: fetch into a temporary file beside ``fname``, check it, move it in place.

    Unlike MXNet, a download whose hash is wrong is deleted instead of left as ``fname``.
    """
    tmp = '{}.{}'.format(fname, os.urandom(16).hex())  # MXNet: a uuid4; unique either way
    try:
        _fetch(url, tmp, verify_ssl)
        if sha1_hash and not check_sha1(tmp, sha1_hash):
            raise UserWarning(
                'File {} is downloaded but the content hash does not match.'
                ' The repo may be outdated or download may be incomplete. '
                'If the "repo_url" is overridden, consider switching to '
                'the default repo.'.format(fname))
        if not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
            replace_file(tmp, fname)
        else:
            warnings.warn('File {} exists in file system so the downloaded file is deleted'
                          .format(fname))
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def download(url: str, path: str | None = None, overwrite: bool = False,
             sha1_hash: str | None = None, retries: int = 5, verify_ssl: bool = True) -> str:
    """Download ``url`` to ``path`` (a file, or a folder to keep the URL's file name in) and
    return the file's path.

    Nothing is downloaded if the file exists (and has the SHA-1 ``sha1_hash``, when given),
    unless ``overwrite``. A failed attempt is retried; as in MXNet, ``retries=5`` makes five
    attempts in all and 0 or 1 make one. The file appears complete or not at all.
    """
    if path is None:
        fname = url.split('/')[-1]
        if not fname:
            raise AssertionError("Can't construct file-name from this URL. "
                                 'Please set the `path` option manually.')
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    if not retries >= 0:
        raise AssertionError(
            "Number of retries should be at least 0, currently it's {}".format(retries))
    if not verify_ssl:
        warnings.warn('Unverified HTTPS request is being made (verify_ssl=False). '
                      'Adding certificate verification is strongly advised.')
    if overwrite or not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
        os.makedirs(os.path.dirname(os.path.abspath(fname)), exist_ok=True)
        while True:
            try:
                print('Downloading {} from {}...'.format(fname, url))
                _download_once(url, fname, sha1_hash, verify_ssl)
                break
            except Exception as e:
                retries -= 1
                if retries <= 0:
                    if isinstance(e, OSError):
                        e.add_note('Could not download {} (no network?). Put the file there '
                                   'yourself{}, or set MXNET_GLUON_REPO to a mirror.'.format(
                                       fname, ' (SHA-1 %s)' % sha1_hash if sha1_hash else ''))
                    raise
                print('download failed due to {}, retrying, {} attempt{} left'
                      .format(repr(e), retries, 's' if retries > 1 else ''))
    return fname


def _get_repo_url() -> str:
    """The base URL of the Gluon dataset repository: ``$MXNET_GLUON_REPO`` or MXNet's S3."""
    repo_url = os.environ.get('MXNET_GLUON_REPO', _DEFAULT_REPO)
    return repo_url if repo_url.endswith('/') else repo_url + '/'


def _get_repo_file_url(namespace: str, filename: str) -> str:
    """The URL of ``filename`` under ``namespace`` in the Gluon repository."""
    return '{}{}/{}'.format(_get_repo_url(), namespace, filename)
