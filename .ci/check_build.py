"""웹사이트 빌드 검사: 셀 시간 예산과 건너뛴 검사.

``.ci/book``이 웹사이트를 빌드한 뒤 부릅니다.

1. **셀 시간 예산.** 미리 실행(.ci/prerun.py)이 잰 셀마다의 시간으로 가장 느린 셀을 보여 주고, ``cpu``
   프로필에서 어떤 셀이든 ``--limit``초(기본 300초)를 넘으면 장과 셀을 밝힌 한국어 메시지를 내고 종료 코드
   1로 끝납니다. 이 예산은 셀이 멈춘 것으로 보는
600초 제한(``_config.yml``의 ``execute.timeout``)과 따로입니다: 느린 기계에서도 600초에 닿지 않도록
여유를 두는 선입니다 (DESIGN §12).

2. **건너뛴 검사.** 장이 GPU나 인터넷이 없어 어떤 부분을 건너뛰면 ``cnnlib.runtime.skipped``가 정해진 꼴의 한
   줄(``[건너뜀 · 인터넷 없음] …``)을 출력합니다. 미리 실행이 실행한 노트북의 출력에서 이 줄을 모아 두므로
   (``.prerun-cells.json``) 그것을 보여 주고, ``CI=true``이면 CI가 정말 갖추지 못한 것(GPU, 인터넷) 때문이 아닌 건너뛰기가 하나라도 있을 때
   실패합니다. GPU가 이유라면 이 기계에 정말 GPU가 모자란지도 확인합니다.

``--markdown``은 장별·셀별 시간표를 Markdown으로 출력합니다 (``benchmarks/cell_times.md``를 만드는 데 씁니다).

Prints the slowest cells recorded by the pre-run, fails when a ``cpu``-profile cell exceeds the budget, and
(with CI=true) fails when a chapter skipped something for a reason CI does not actually have.

    python .ci/check_build.py --build _build                  # 가장 느린 셀 5개 + 예산 + 건너뛴 검사
    python .ci/check_build.py --build _build --markdown       # 시간표 (benchmarks/cell_times.md)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prerun import toc_notebooks  # noqa: E402


def load(cells_file: Path, notebooks: list[Path]) -> dict[str, dict]:
    """목차에 있는 노트북의 기록만 (목차 순서로). 기록이 없는 노트북은 빠집니다."""
    try:
        recorded = json.loads(cells_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    by_resolved = {str(Path(k).resolve()): v for k, v in recorded.items()}
    found = {}
    for path in notebooks:
        entry = by_resolved.get(str(path.resolve()))
        if entry is not None:
            found[str(path)] = entry
    return found


def slowest(records: dict[str, dict], n: int) -> list[tuple[str, dict]]:
    rows = [(path, cell) for path, entry in records.items() for cell in entry["cells"]]
    return sorted(rows, key=lambda row: row[1]["seconds"], reverse=True)[:n]


def over_budget(records: dict[str, dict], limit: float) -> list[tuple[str, dict]]:
    return [(path, cell) for path, cell in slowest(records, 10**9) if cell["seconds"] > limit]


def describe(path: str, cell: dict) -> str:
    return f"{Path(path).stem} 셀 [{cell['cell']}] {cell['seconds']:.0f}초 — {cell['first_line']}"


def markdown(records: dict[str, dict], top: int) -> str:
    lines = ["| 노트북 | 셀 합계 (초) | 가장 느린 셀 (초) | 스레드 · 동시 실행 |", "| --- | ---: | --- | --- |"]
    for path, entry in records.items():
        cells = sorted(entry["cells"], key=lambda c: c["seconds"], reverse=True)
        total = sum(c["seconds"] for c in entry["cells"])
        worst = ", ".join(f"[{c['cell']}] {c['seconds']:.0f}" for c in cells[:3])
        lines.append(f"| {Path(path).stem} | {total:.0f} | {worst} | {entry['threads']} · {entry['jobs']} |")
    lines += ["", f"가장 느린 셀 {top}개:", "", "| 셀 | 초 | 첫 줄 |", "| --- | ---: | --- |"]
    for path, cell in slowest(records, top):
        first = cell["first_line"].replace("|", "\\|")
        lines.append(f"| {Path(path).stem} [{cell['cell']}] | {cell['seconds']:.1f} | `{first}` |")
    return "\n".join(lines)


# CI 기계가 정말 갖추지 못한 것: 이 이유로 건너뛴 것만 CI에서 허락합니다.
CI_ALLOWED = {"GPU 없음": "gpu", "GPU가 2개 미만": "gpus", "인터넷 없음": "internet", "다른 실행 프로필에서만": "profile"}
SKIP_LINE = re.compile(r"^\[건너뜀 · ([^\]]+)\] (.*)$", re.MULTILINE)


def skips(records: dict[str, dict]) -> list[tuple[str, str, str]]:
    """미리 실행이 적은 건너뛰기 줄에서 ``(노트북, 이유, 설명)``을 모읍니다."""
    found = []
    for path, entry in records.items():
        for line in entry.get("skips", []):
            match = SKIP_LINE.match(line)
            if match:
                found.append((Path(path).stem, *match.groups()))
    return found


def disallowed_skips(found, gpus: int) -> list[tuple[str, str, str]]:
    """CI에서 허락하지 않는 건너뛰기: 모르는 이유, 또는 GPU가 있는데 GPU 때문이라고 한 것."""
    bad = []
    for nb, reason, what in found:
        key = CI_ALLOWED.get(reason)
        if key is None or (key == "gpu" and gpus >= 1) or (key == "gpus" and gpus >= 2):
            bad.append((nb, reason, what))
    return bad


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True,
                        help="빌드 폴더 (.prerun-cells.json이 있는 곳, 예: _build)")
    parser.add_argument("--toc", type=Path, default=Path("_toc.yml"))
    parser.add_argument("--limit", type=float, default=300.0, help="셀 하나의 예산(초), 기본 300")
    parser.add_argument("--top", type=int, default=5, help="보여 줄 가장 느린 셀 수")
    parser.add_argument("--profile", default=None, help="예산을 검사할 프로필 (기본: cnnlib.profile())")
    parser.add_argument("--markdown", action="store_true", help="장별·셀별 시간표를 Markdown으로 출력")
    args = parser.parse_args(argv)

    notebooks = toc_notebooks(args.toc)
    records = load(args.build / ".prerun-cells.json", notebooks)
    if args.markdown:
        print(markdown(records, args.top))
        return 0
    missing = [p.stem for p in notebooks if str(p) not in records]
    if missing:
        print("== 셀 시간 기록이 없는 노트북 (미리 실행하지 않은 캐시): " + ", ".join(missing))
    rc = check_skips(records)
    if not records:
        return rc
    print(f"== 가장 느린 셀 {args.top}개 (미리 실행에서 잰 값):")
    for path, cell in slowest(records, args.top):
        print("   " + describe(path, cell))
    if args.profile is None:
        import cnnlib

        args.profile = cnnlib.profile()
    if args.profile != "cpu":
        return rc
    late = over_budget(records, args.limit)
    if late:
        print(f"셀 시간 예산 초과: cpu 프로필에서 셀 하나는 {args.limit:.0f}초 안에 끝나야 합니다 "
              f"(멈춤으로 보는 600초 제한과 따로 둔 여유). 넘은 셀 {len(late)}개:", file=sys.stderr)
        for path, cell in late:
            print("   " + describe(path, cell), file=sys.stderr)
        print("그 셀의 실험을 줄이거나 앞 장에서 학습한 모델을 다시 쓰세요 (cell over the time budget).",
              file=sys.stderr)
        return 1
    return rc


def check_skips(records: dict[str, dict]) -> int:
    found = skips(records)
    for nb, reason, what in found:
        print(f"== 건너뜀: {nb} — {reason}: {what}")
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return 0
    try:
        import torch

        gpus = torch.cuda.device_count()
    except ImportError:
        gpus = 0
    bad = disallowed_skips(found, gpus)
    if bad:
        print("CI 빌드에서 건너뛰면 안 되는 검사를 건너뛴 장이 있습니다 (CI에는 GPU와 인터넷만 없습니다):",
              file=sys.stderr)
        for nb, reason, what in bad:
            print(f"   {nb}: [{reason}] {what}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
