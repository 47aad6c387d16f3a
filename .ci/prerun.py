"""웹사이트 빌드 전에 실행 캐시에 없는 장들을 여러 프로세스로 나눠 미리 실행합니다.

Jupyter Book 1.x(myst-nb의 ``cache`` 모드)는 노트북을 한 번에 하나씩 실행합니다. 2코어 기계에서
노트북 하나가 스레드 2개를 쓰면, 커널 시작·그림 그리기·작은 텐서 연산처럼 스레드를 다 쓰지 못하는
시간이 길어 CPU가 놉니다. 그래서 노트북 ``--jobs``개를 동시에 (각각 스레드 ``코어 수 / jobs``개로)
실행해 myst-nb와 같은 jupyter-cache에 넣습니다. 이어지는 ``jupyter-book build``는 캐시에서 결과를
꺼내 쓰므로 같은 노트북을 다시 실행하지 않습니다 (캐시의 열쇠는 코드 셀과 kernelspec의 해시로,
myst-nb가 찾는 것과 같습니다).

실패한 노트북은 캐시에 넣지 않고 오류를 출력한 뒤 종료 코드 1로 끝납니다.

셀마다 걸린 시간(nbclient가 셀 메타데이터에 남기는 시작·끝 시각)과, 장이 ``cnnlib.runtime.skipped``로
밝힌 건너뛰기 줄을 ``<캐시 폴더의 부모>/.prerun-cells.json``에 적습니다. 노트북이 캐시에서 나오면 그 노트북을 마지막으로 실행했을 때의 값이 남습니다. 빌드가 끝나면
``.ci/cell_budget.py``가 이 파일로 가장 느린 셀을 보여 주고 시간 예산을 검사합니다.

Pre-executes the book's uncached notebooks in parallel into the jupyter-cache that myst-nb reads.

    python .ci/prerun.py --cache _build/.jupyter_cache            # 목차의 모든 노트북, 코어 수만큼 동시에
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import nbformat


def toc_notebooks(toc: Path) -> list[Path]:
    """목차(``_toc.yml``)에 있는 항목 가운데 ``.ipynb`` 파일인 것 (목차 순서)."""
    found = []
    for line in toc.read_text(encoding="utf-8").splitlines():
        entry = line.strip().removeprefix("- ").strip()
        if entry.startswith(("file:", "root:")):
            path = toc.parent / (entry.split(":", 1)[1].strip() + ".ipynb")
            if path.is_file():
                found.append(path)
    return found


def _estimate(path: Path, seconds: dict[str, float]) -> float:
    """오래 걸릴 노트북부터 시작하도록 걸릴 시간을 어림합니다: 지난 실행 시간, 없으면 학습 호출 수."""
    if str(path) in seconds:
        return seconds[str(path)]
    text = path.read_text(encoding="utf-8")
    return 60.0 * text.count(".fit(") + len(text) / 1e5


def _seconds(stamp_from: str, stamp_to: str) -> float:
    from datetime import datetime

    def parse(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    return (parse(stamp_to) - parse(stamp_from)).total_seconds()


def cell_seconds(nb) -> list[dict]:
    """실행한 노트북의 코드 셀마다 ``{"cell": 번호, "seconds": 초, "first_line": 첫 줄}``.

    첫 줄은 주석·import·매직 명령을 뺀 첫 줄입니다 (어느 셀인지 알아보기 쉽도록).

    번호는 노트북 전체(마크다운 포함)에서 0부터 센 셀 번호이고, 시간은 nbclient가 남긴
    ``iopub.execute_input``부터 ``shell.execute_reply``까지입니다.
    """
    rows = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        stamps = cell.get("metadata", {}).get("execution", {})
        start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
        if not (start and end):
            continue
        lines = [ln for ln in cell.source.splitlines()
                 if ln.strip() and not ln.lstrip().startswith(("#", "import ", "from ", "%"))]
        rows.append({"cell": index, "seconds": round(_seconds(start, end), 2),
                     "first_line": (lines[0] if lines else "")[:80]})
    return rows


SKIP_PREFIX = "[건너뜀 · "   # cnnlib.runtime.skipped가 출력하는 줄의 시작 (.ci/check_build.py가 검사합니다)


def skip_lines(nb) -> list[str]:
    """실행한 노트북의 출력에서 ``cnnlib.runtime.skipped``가 출력한 줄들."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else \
                out.get("data", {}).get("text/plain", "")
            text = text if isinstance(text, str) else "".join(text)
            found += [ln for ln in text.splitlines() if ln.startswith(SKIP_PREFIX)]
    return found


def _execute(job):
    path, threads, timeout = job
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ["CNNLIB_THREADS"] = str(threads)  # 커널은 이 프로세스의 환경 변수를 물려받습니다
    os.environ["OMP_NUM_THREADS"] = str(threads)
    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent.resolve()), timeout=timeout, allow_errors=False,
                                 meta_override=True, record_timing=True)
    return path, result.nb if result.err is None else None, result.time, result.exc_string


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="없으면 --toc의 모든 .ipynb 장")
    parser.add_argument("--toc", type=Path, default=Path("_toc.yml"), help="목차 파일 (기본 _toc.yml)")
    parser.add_argument("--cache", required=True, type=Path, help="myst-nb의 jupyter-cache 폴더")
    parser.add_argument("--jobs", type=int, default=0,
                        help="동시에 실행할 노트북 수 (0: gpu 프로필이면 1, 아니면 CPU 코어 수, 최대 4)")
    parser.add_argument("--alone", type=Path, action="append", default=[],
                        help="다른 노트북과 겹치지 않게 맨 뒤에 혼자(스레드 전부로) 실행할 노트북 (시간을 재는 장)")
    parser.add_argument("--timeout", type=int, default=600, help="셀 하나의 시간 제한(초)")
    args = parser.parse_args(argv)

    if not args.notebooks:
        args.notebooks = toc_notebooks(args.toc)
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cores = os.cpu_count() or 1
    if args.jobs > 0:
        jobs = args.jobs
    else:  # GPU가 하나뿐이면 노트북끼리 GPU를 나눠 쓰며 서로의 시간 측정을 흐리므로 하나씩 실행합니다
        import cnnlib

        jobs = 1 if cnnlib.profile() == "gpu" else min(4, cores)
    threads = max(1, cores // jobs)
    cache = get_cache(str(args.cache))
    seconds_file = args.cache.parent / ".prerun-seconds.json"
    cells_file = args.cache.parent / ".prerun-cells.json"
    seconds, cells = {}, {}
    for name, target in ((seconds_file, seconds), (cells_file, cells)):
        try:
            target.update(json.loads(name.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass

    todo = []
    for path in args.notebooks:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    if not todo:
        print(f"== 미리 실행: 노트북 {len(args.notebooks)}개 모두 캐시에 있습니다")
        return 0
    alone = {p.resolve() for p in args.alone}
    shared = sorted((p for p in todo if p.resolve() not in alone), key=lambda p: _estimate(p, seconds), reverse=True)
    last = [p for p in todo if p.resolve() in alone]
    print(f"== 미리 실행: 노트북 {len(shared)}개를 {jobs}개씩 동시에 (노트북마다 CPU 스레드 {threads}개)"
          + (f", 그다음 {len(last)}개는 혼자 (스레드 {cores}개)" if last else ""), flush=True)
    start = time.perf_counter()
    failed = []

    def store(path, nb, run_seconds, error):
        if nb is None:  # 중간에 멈춘 실행 시간은 적지 않습니다: 다음 빌드의 순서를 짧은 값으로 흐트러뜨립니다
            failed.append(path)
            print(f"   실패 {path} ({run_seconds:.0f} s)\n{error}", file=sys.stderr, flush=True)
            return
        seconds[path] = round(run_seconds, 1)
        cells[path] = {"threads": threads_of[path], "jobs": jobs_of[path], "cells": cell_seconds(nb),
                       "skips": skip_lines(nb)}
        # jupyter-cache의 열쇠는 셀 메타데이터까지 해시하므로, 시간 기록(metadata.execution)을 지운 뒤에 넣어야
        # myst-nb가 원본 노트북으로 이 캐시를 찾습니다.
        for cell in nb.cells:
            cell.get("metadata", {}).pop("execution", None)
        uri = str(cache.add_nb_to_project(str(Path(path).resolve())).uri)
        cache.cache_notebook_bundle(CacheBundleIn(nb, uri, data={"execution_seconds": run_seconds}),
                                    check_validity=False, overwrite=True)
        print(f"   {run_seconds:6.0f} s  {path}", flush=True)

    threads_of = {str(p): threads for p in shared} | {str(p): cores for p in last}
    jobs_of = {str(p): jobs for p in shared} | {str(p): 1 for p in last}
    ctx = multiprocessing.get_context("spawn")
    if shared:
        with ctx.Pool(jobs, maxtasksperchild=1) as pool:
            for result in pool.imap_unordered(_execute, [(str(p), threads, args.timeout) for p in shared],
                                              chunksize=1):
                store(*result)
    if last:  # 따로 된 프로세스에서: 이 프로세스의 환경 변수(스레드 수)를 바꾸지 않도록
        with ctx.Pool(1) as pool:
            for path in last:
                store(*pool.apply(_execute, ((str(path), cores, args.timeout),)))
    seconds_file.parent.mkdir(parents=True, exist_ok=True)
    seconds_file.write_text(json.dumps(seconds, indent=1, ensure_ascii=False), encoding="utf-8")
    cells_file.write_text(json.dumps(cells, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"== 미리 실행 끝: {time.perf_counter() - start:.0f} s, 실패 {len(failed)}개", flush=True)
    if failed:
        print("실행에 실패한 노트북: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
