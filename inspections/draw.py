"""The 双随机 algorithm: pure, versioned, reproducible from (seed, pools, exclusions).

Algorithm "v1" (never change it; add "v2" beside it and keep v1 for verifying old draws):

1. `rng = random.Random(seed)` with an integer seed (CPython's MT19937; integer seeding and
   `getrandbits` are stable across Python versions).
2. The enterprise pool is sorted ascending by id and de-duplicated.
3. Targets: a partial Fisher–Yates shuffle of that list takes `count` enterprises; the order in
   which they are taken is the order of the result.
4. For each target in that order: the eligible inspectors are the sorted inspector pool minus that
   enterprise's exclusions (declared conflicts of interest, last round's inspectors); a partial
   Fisher–Yates shuffle takes `per_target` of them, reported in ascending id order.
5. A uniform index below n is `getrandbits(n.bit_length())`, redrawn while it is ≥ n.

The fingerprint is the SHA-256 of the canonical JSON of every input and the result; it is
published with the result, so anyone can tell later whether either was changed.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.errors import ServiceError

ALGORITHM = "v1"


@dataclass(frozen=True)
class DrawInput:
    seed: int
    enterprise_pool: list[int]
    inspector_pool: list[int]
    exclusions: dict[str, list[int]]
    count: int
    per_target: int


def _below(rng: random.Random, n: int) -> int:
    bits = n.bit_length()
    value = rng.getrandbits(bits)
    while value >= n:
        value = rng.getrandbits(bits)
    return value


def _take(rng: random.Random, items: list[int], k: int) -> list[int]:
    """The first k items of a partial Fisher–Yates shuffle of `items` (which is not modified)."""
    pool = list(items)
    for i in range(k):
        j = i + _below(rng, len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def normalise(
    *,
    seed: int,
    enterprise_pool: Iterable[int],
    inspector_pool: Iterable[int],
    exclusions: Mapping,
    count: int,
    per_target: int,
) -> DrawInput:
    return DrawInput(
        seed=int(seed),
        enterprise_pool=sorted({int(i) for i in enterprise_pool}),
        inspector_pool=sorted({int(i) for i in inspector_pool}),
        exclusions={
            str(k): sorted({int(i) for i in v}) for k, v in sorted(exclusions.items()) if v
        },
        count=int(count),
        per_target=int(per_target),
    )


def run_v1(data: DrawInput) -> list[dict]:
    """[{"enterprise": id, "inspectors": [ids]}] in draw order."""
    if data.count < 1:
        raise ServiceError("抽取企业数至少为 1。", field="count")
    if data.count > len(data.enterprise_pool):
        raise ServiceError(
            f"符合条件的企业只有 {len(data.enterprise_pool)} 家，少于要抽取的 {data.count} 家。",
            field="count",
        )
    rng = random.Random(data.seed)
    result = []
    for enterprise in _take(rng, data.enterprise_pool, data.count):
        excluded = set(data.exclusions.get(str(enterprise), ()))
        eligible = [i for i in data.inspector_pool if i not in excluded]
        if len(eligible) < data.per_target:
            raise ServiceError(
                f"企业（编号 {enterprise}）可抽取的执法人员只有 {len(eligible)} 名"
                f"（已排除回避和上一轮检查人员），不足 {data.per_target} 名。",
                field="count",
            )
        result.append(
            {"enterprise": enterprise, "inspectors": sorted(_take(rng, eligible, data.per_target))}
        )
    return result


ALGORITHMS = {"v1": run_v1}


def run(algorithm: str, data: DrawInput) -> list[dict]:
    try:
        return ALGORITHMS[algorithm](data)
    except KeyError:
        raise ServiceError(f"未知的抽取算法版本：{algorithm}", field="count") from None


def fingerprint(algorithm: str, data: DrawInput, result: list[dict]) -> str:
    canonical = json.dumps(
        {
            "algorithm": algorithm,
            "seed": data.seed,
            "enterprise_pool": data.enterprise_pool,
            "inspector_pool": data.inspector_pool,
            "exclusions": data.exclusions,
            "count": data.count,
            "per_target": data.per_target,
            "result": result,
        },
        ensure_ascii=True,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
