"""시드와 정밀도를 바꿔 가며 장을 다시 실행하고, 본문에 나오는 값(glue)이 얼마나 흔들리는지 기록합니다.

이 책이 두 학습을 비교하는 문장("A가 B보다 낫다", "A와 B는 비슷하다")은 한 번의 실행이 아니라 여기서 잰
흩어짐에 기대어 씁니다 (DESIGN §12). 장마다 ``cpu`` 프로필로, 시드 ``--seeds``(기본 0 1 2)와 정밀도
``--amps``(기본 ``0``: float32, ``emulate``: bfloat16 흉내, :mod:`cnnlib.precision`)의 모든 조합을 실행하고,
glue된 값을 ``benchmarks/seed_spread.json``에 적습니다. 장들은 숨은 셀에서 이 파일을 읽어
(:func:`cnnlib.book.measured`) 흩어짐을 본문에 glue하고, 주장이 모든 실행에서 성립하는지 확인합니다.

이미 적힌 (장, 시드, 정밀도)의 실행은 그 장의 코드가 그대로이면 건너뜁니다(``--force``로 다시).
측정을 읽는 숨은 셀(``measured(``를 부르는 셀)은 측정하는 동안 실행하지 않습니다. 그 밖의 숨은 셀은
그대로 실행하므로, 어느 시드·정밀도에서 숨은 검사가 실패했는지도 ``errors``에 남습니다.

Re-runs chapters with other seeds and precisions and records how much every glued value moves.

    source .ci/setup
    CNNLIB_DATA=../shared/data python benchmarks/seed_spread.py chapters/08_alexnet_zfnet.ipynb
    CNNLIB_DATA=../shared/data python benchmarks/seed_spread.py --all          # 학습이 있는 장 전부 (몇 시간)
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "seed_spread.json"
# 학습을 비교하는 문장이 있는 장 (--all)
TRAINING_CHAPTERS = ("01_why_convolution", "06_activation_normalization_backprop", "07_lenet", "08_alexnet_zfnet",
                     "09_vgg", "10_nin_googlenet", "11_resnet", "12_densenet", "13_mobilenet", "14_beyond",
                     "15_transfer_learning", "16_multi_gpu")


def _experiment_code(source: str) -> str:
    """셀의 코드에서 실험의 값을 바꾸지 않는 것(주석, 빈 줄, ``import``, ``assert``, ``glue(…)``·``print(…)``
    호출, 매직 명령)을 뺀 것. ``if``·``for`` 안의 검사도 빼고, 그래서 비게 된 ``if``·``for``는 통째로 뺍니다."""
    import ast

    def quiet(node) -> bool:
        if isinstance(node, (ast.Assert, ast.Import, ast.ImportFrom, ast.Pass)):
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            return getattr(func, "id", getattr(func, "attr", "")) in ("glue", "print")
        return False

    def strip(body: list) -> list:
        keep = []
        for node in body:
            if quiet(node):
                continue
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(node, field, None), list):
                    setattr(node, field, strip(getattr(node, field)))
            if isinstance(node, (ast.If, ast.For, ast.While)) and not node.body and not node.orelse:
                continue    # 검사만 들어 있던 if·for
            if isinstance(node, ast.If) and not node.body:
                node.body = [ast.Pass()]
            if isinstance(node, (ast.With, ast.FunctionDef)) and not node.body:
                node.body = [ast.Pass()]
            keep.append(node)
        return keep

    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return source
    return ast.unparse(ast.Module(body=strip(tree.body), type_ignores=[]))


def code_hash(path: Path) -> str:
    """실험 코드의 해시. 이것이 바뀌면 예전 측정은 낡은 것으로 봅니다.

    코드 셀에서 주석, ``assert``, ``glue(…)`` 호출을 빼고(:func:`_experiment_code`), 측정을 읽는 셀
    (``measured(``를 부르는 셀)도 뺀 나머지의 해시입니다. 그래서 본문의 문장, 검사, glue의 자리를 고쳐도
    측정은 그대로 쓸 수 있고, 학습이나 실험의 코드를 고치면 다시 재야 합니다.
    """
    nb = nbformat.read(path, as_version=4)
    parts = [_experiment_code(c.source) for c in nb.cells
             if c.cell_type == "code" and "measured(" not in c.source]
    text = "\n\0".join(part for part in parts if part.strip())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_sha(source: str) -> str:
    """셀 코드의 지문: 측정 중에 실패한 검사 셀이 그 뒤에 고쳐졌는지 알아보는 데 씁니다."""
    return hashlib.sha1(source.encode()).hexdigest()[:12]


def glued_values(nb) -> dict[str, str]:
    """실행한 노트북에서 glue된 값(이름 → text/plain, 따옴표를 뗀 것)을 모읍니다."""
    from cnnlib.book import glued_outputs

    values = {}
    for name, data in glued_outputs(nb).items():
        if "text/plain" in data:
            text = data["text/plain"]
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            values[name] = text
    return values


def _run(job):
    path, seed, amp, timeout = job
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ.update(CNNLIB_PROFILE="cpu", CNNLIB_SEED=str(seed), CNNLIB_AMP=amp, CNNLIB_THREADS="1",
                      OMP_NUM_THREADS="1", CNNLIB_BUILD="1")
    nb = nbformat.read(path, as_version=4)
    original = [cell.source for cell in nb.cells]   # 실행한 그대로의 코드 (실행 중에 파일이 고쳐져도)
    for cell in nb.cells:   # 이 측정을 읽는 숨은 셀은 측정하는 동안 비웁니다 (셀 번호는 그대로)
        if cell.cell_type == "code" and "measured(" in cell.source:
            cell.source = "# benchmarks/seed_spread.py: 측정을 읽는 셀은 측정하는 동안 실행하지 않습니다"
    start = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=True,
                                 meta_override=True, record_timing=True)
    seconds = time.perf_counter() - start
    errors = [{"cell": i, "source_sha": source_sha(original[i]),
               "error": o.get("ename", "") + ": " + o.get("evalue", "")[:300]}
              for i, c in enumerate(result.nb.cells) for o in c.get("outputs", []) if o.get("output_type") == "error"]
    sys.path.insert(0, str(ROOT / ".ci"))
    from prerun import cell_seconds

    cells = cell_seconds(result.nb)
    return path, seed, amp, glued_values(result.nb), errors, seconds, cells


def run_key(seed: int, amp: str) -> str:
    return f"seed={seed},amp={amp}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="학습이 있는 장 전부")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--amps", nargs="+", default=["0", "emulate"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--force", action="store_true", help="이미 잰 실행도 다시")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cells-out", type=Path, default=None,
                        help="첫 시드·첫 정밀도 실행의 셀마다 시간을 .prerun-cells.json 꼴로 적을 파일 "
                             "(.ci/check_build.py --markdown으로 표를 만듭니다)")
    args = parser.parse_args(argv)
    notebooks = list(args.notebooks)
    if args.all:
        notebooks += [ROOT / "chapters" / f"{name}.ipynb" for name in TRAINING_CHAPTERS]
    if not notebooks:
        parser.error("노트북을 주거나 --all을 쓰세요")
    if not os.environ.get("CNNLIB_DATA"):
        print("CNNLIB_DATA가 없습니다: 데이터 폴더를 알려 주세요 (예: CNNLIB_DATA=../shared/data)", file=sys.stderr)
        return 2

    record = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    jobs = []
    for path in notebooks:
        name, digest = path.stem, code_hash(path)
        entry = record.setdefault(name, {"code_hash": digest, "runs": {}})
        if entry.get("code_hash") != digest:
            print(f"== {name}: 코드가 바뀌어 예전 측정 {len(entry['runs'])}개를 버립니다")
            entry.update(code_hash=digest, runs={})
        for seed in args.seeds:
            for amp in args.amps:
                if args.force or run_key(seed, amp) not in entry["runs"]:
                    jobs.append((str(path.resolve()), seed, amp, args.timeout))
    print(f"== 실행 {len(jobs)}개 ({args.jobs}개씩 동시에, 스레드 1개씩)", flush=True)

    def save():
        record["_meta"] = {
            "updated": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or 'cpu'}",
            "note": "cpu 프로필, 노트북마다 스레드 1개. amp=0: float32, amp=emulate: bfloat16 흉내(cnnlib.precision)",
        }
        args.out.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")

    failed = 0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(args.jobs, maxtasksperchild=1) as pool:
        for path, seed, amp, values, errors, seconds, cells in pool.imap_unordered(_run, jobs, chunksize=1):
            name = Path(path).stem
            status = "성공" if not errors else "오류 " + "; ".join(f"셀 [{e['cell']}] {e['error']}" for e in errors)
            print(f"   {seconds:6.0f} s  {name} seed={seed} amp={amp}: 값 {len(values)}개, {status}", flush=True)
            if errors:
                failed += 1
            if args.cells_out is not None and seed == args.seeds[0] and amp == args.amps[0]:
                table = json.loads(args.cells_out.read_text(encoding="utf-8")) if args.cells_out.exists() else {}
                table[str(Path(path).relative_to(ROOT))] = {
                    "threads": 1, "jobs": args.jobs,
                    "cells": cells}
                args.cells_out.write_text(json.dumps(table, indent=1, ensure_ascii=False), encoding="utf-8")
            slow = {row["cell"]: row["seconds"] for row in sorted(cells, key=lambda r: -r["seconds"])[:5]}
            record[name]["runs"][run_key(seed, amp)] = {"values": values, "errors": errors,
                                                        "seconds": round(seconds), "slowest_cells": slow}
            save()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
