"""Build REPORT.md from out_*.json, compare.json and judgements.py."""
from __future__ import annotations

import json
import os

from cases import CASES
from compare import norm
from judgements import J

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    mx_out = json.load(open(os.path.join(HERE, "out_mxnet.json")))
    mg_out = json.load(open(os.path.join(HERE, "out_minigluon.json")))
    res = json.load(open(os.path.join(HERE, "compare.json")))
    code = dict(CASES)
    diff = res["different"]
    missing = [n for n in diff if n not in J]
    assert not missing, missing
    cats: dict[str, list[str]] = {}
    for n in diff:
        cats.setdefault(J[n][0], []).append(n)
    lines = ["# Independent check: minigluon vs Apache MXNet 1.9.1", "",
             f"Cases: {len(mx_out)}. Identical: {len(res['identical'])}. Approx: {len(res['approx'])}. "
             f"Different: {len(diff)}.", "",
             "Different, by my judgement: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(cats.items())) + ".", "",
             "- SILENT: same code gives different values, or no error where the other raises (either direction).",
             "- LOUD: minigluon raises because it lacks the name or says it does not support the feature.",
             "- ERROR-MISMATCH: both raise, but the exception type or the first line of the message differs.",
             "- COSMETIC: only module paths (minigluon.* vs mxnet.*) or Symbol-vs-ndarray F differ.",
             "- ENV: caused by the NumPy version (minigluon's venv: NumPy 2.4; MXNet's: 1.23.5), not by minigluon's code;"
             " listed because d2l-style user code meets it.",
             "",
             "Method: `runner.py` forks one child per case (fresh namespace, fresh name counters) after importing "
             "mxnet once; `/work/mxvenv/bin/python runner.py out_mxnet.json` and "
             "`PYTHONPATH=/work/main /work/main/.venv/bin/python runner.py out_minigluon.json --minigluon` "
             "(install_mxnet_alias, so `import mxnet as mx` runs on both). An exception prints "
             "'EXC Type: first line'; for MXNet's C++ errors whose text starts 'Traceback', the message line "
             "(last line, 'MXNetError: ' removed) stands for the first line. `compare.py` normalises only memory "
             "addresses and tempfile directory names; 'approx' = same text up to spacing, numbers differing "
             "only in the last printed digit and by at most 1e-6 relative. `make_report.py` writes this file from "
             "`judgements.py`.", ""]
    lines += ["## Summary: SILENT differences, most important first", ""]
    grouped: dict[str, list[str]] = {}
    for n in sorted(cats.get("SILENT", []), key=lambda n: (J[n][1], n)):
        grouped.setdefault(J[n][2].split(" (")[0].split(":")[0] if J[n][1] == 2 else n, []).append(n)
    for key, names in grouped.items():
        first = names[0]
        text = J[first][2] if len(names) == 1 else "one root cause: " + J[first][2]
        lines.append(f"- {', '.join('`' + n + '`' for n in names)} (importance {J[first][1]}): {text}")
    lines += ["", "Most important ERROR-MISMATCH (exception type differs, so `except mx.MXNetError` would not catch it, "
              "or a crash):", ""]
    for n in sorted(cats.get("ERROR-MISMATCH", []), key=lambda n: (J[n][1], n)):
        if J[n][1] == 1:
            lines.append(f"- `{n}`: {J[n][2]}")
    lines.append("")
    lines += ["", "Most important ENV (NumPy 2.4 in minigluon's venv):", ""]
    for n in sorted(cats.get("ENV", []), key=lambda n: (J[n][1], n)):
        if J[n][1] == 1:
            lines.append(f"- `{n}`: {J[n][2]}")
    lines.append("")
    order = ["SILENT", "ERROR-MISMATCH", "LOUD", "ENV", "COSMETIC"]
    for cat in order:
        names = sorted(cats.get(cat, []), key=lambda n: (J[n][1], n))
        lines += [f"## {cat} ({len(names)})", ""]
        for n in names:
            lines += [f"### {n} (importance {J[n][1]})", "", J[n][2], "", "```python",
                      code[n].split("import numpy as np\n", 1)[1].rstrip(), "```", "",
                      "MXNet 1.9.1:", "```", norm(mx_out[n]).rstrip() or "(no output)", "```",
                      "minigluon:", "```", norm(mg_out[n]).rstrip() or "(no output)", "```", ""]
    lines += ["## Approx (" + str(len(res["approx"])) + ")", ""]
    for n in res["approx"]:
        lines += [f"### {n}", "", "```python", code[n].split("import numpy as np\n", 1)[1].rstrip(), "```",
                  "MXNet 1.9.1:", "```", norm(mx_out[n]).rstrip(), "```", "minigluon:", "```",
                  norm(mg_out[n]).rstrip(), "```", ""]
    tmp = os.path.join(HERE, "REPORT.md.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, os.path.join(HERE, "REPORT.md"))
    print({k: len(v) for k, v in cats.items()})


if __name__ == "__main__":
    main()
