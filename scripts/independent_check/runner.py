"""Run every case of cases.py under the current interpreter's mxnet and write {name: output} as JSON.

Usage: python runner.py OUT.json [--minigluon]
Each case runs in a forked child (fresh namespace, fresh global name counters), with stdout captured;
an exception prints 'EXC <Type>: <first line of message>'.
"""
from __future__ import annotations

import io
import json
import os
import sys
import traceback
import contextlib
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cases import CASES  # noqa: E402

if "--minigluon" in sys.argv:
    import minigluon
    minigluon.install_mxnet_alias()
import mxnet  # noqa: E402,F401  (import once in the parent; children are forked)
from mxnet import gluon, nd, autograd  # noqa: E402,F401
warnings.simplefilter("ignore")


def run_case(code: str) -> str:
    buf = io.StringIO()
    ns: dict = {"__name__": "__case__"}
    with contextlib.redirect_stdout(buf):
        try:
            exec(compile(code, "<case>", "exec"), ns)
        except BaseException as e:  # noqa: BLE001
            msg = [ln for ln in str(e).strip().splitlines() if ln.strip()]
            first = msg[0] if msg else ""
            if first.startswith("Traceback") and len(msg) > 1:
                # MXNet's C++ errors: the message proper is the last line, 'MXNetError: ...'
                first = msg[-1]
                if first.startswith("MXNetError: "):
                    first = first[len("MXNetError: "):]
            print(f"EXC {type(e).__name__}: {first}")
    return buf.getvalue()


def main() -> None:
    out_path = sys.argv[1]
    results = {}
    for name, code in CASES:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                text = run_case(code)
            except BaseException:  # noqa: BLE001
                text = "RUNNER-ERROR " + traceback.format_exc()
            with os.fdopen(w, "w") as f:
                f.write(text)
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            text = f.read()
        os.waitpid(pid, 0)
        results[name] = text
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    os.replace(tmp, out_path)
    print(f"{len(results)} cases -> {out_path}")


if __name__ == "__main__":
    main()
