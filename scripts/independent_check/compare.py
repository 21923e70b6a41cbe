"""Compare out_mxnet.json with out_minigluon.json: identical / approx / different; writes compare.json."""
from __future__ import annotations

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ADDR = re.compile(r"0x[0-9a-fA-F]+")
TMP = re.compile(r"/tmp/tmp[A-Za-z0-9_]+")
NUM = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def norm(s: str) -> str:
    """Normalise memory addresses and tempfile.mkdtemp() directory names only."""
    return TMP.sub("/tmp/TMPDIR", ADDR.sub("0xADDR", s))


def _ulp(x: str) -> float:
    """One unit in the last printed digit of the number text x."""
    mant = re.split("[eE]", x)[0]
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    exp = int(re.split("[eE]", x)[1]) if re.search("[eE]", x) else 0
    return 10.0 ** (exp - decimals)


def approx(a: str, b: str) -> bool:
    """Same text (up to spacing) apart from numbers that differ only in their last printed digit (and <=1e-6 relative)."""
    if "".join(NUM.sub("#", a).split()) != "".join(NUM.sub("#", b).split()):
        return False
    na, nb = NUM.findall(a), NUM.findall(b)
    if len(na) != len(nb):
        return False
    for x, y in zip(na, nb):
        if x == y:
            continue
        fx, fy = float(x), float(y)
        ulp = max(_ulp(x), _ulp(y))
        if abs(fx - fy) > 9.01 * ulp or abs(fx - fy) > 1e-6 * max(abs(fx), abs(fy)):
            return False
    return True


def main() -> None:
    mx_out = json.load(open(os.path.join(HERE, "out_mxnet.json")))
    mg_out = json.load(open(os.path.join(HERE, "out_minigluon.json")))
    res = {"identical": [], "approx": [], "different": []}
    for name in mx_out:
        a, b = norm(mx_out[name]), norm(mg_out.get(name, "<missing>"))
        if a == b:
            res["identical"].append(name)
        elif approx(a, b):
            res["approx"].append(name)
        else:
            res["different"].append(name)
    print({k: len(v) for k, v in res.items()}, "total", len(mx_out))
    with open(os.path.join(HERE, "compare.json.tmp"), "w") as f:
        json.dump(res, f, indent=1)
    os.replace(os.path.join(HERE, "compare.json.tmp"), os.path.join(HERE, "compare.json"))
    if "-v" in sys.argv:
        for name in res["approx"] + res["different"]:
            tag = "APPROX" if name in res["approx"] else "DIFF"
            print(f"==== {tag} {name}\n--- mxnet\n{mx_out[name]}--- minigluon\n{mg_out[name]}")


if __name__ == "__main__":
    main()
