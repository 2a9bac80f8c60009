"""Check that `ml.preprocess.preprocess` gives bit-identical results before and after a change.

    .venv/bin/python bench/check_preprocess.py [--base HEAD] [--count N] [--seed S] [--against-dir DIR]

The `ml/` of the base revision is exported with `git archive` into a temporary folder. The
working tree and the git index are never touched. About 1,500 inputs are generated once from
--seed: canvas drawings (as PNG and as data URL), other canvas sizes, borders, inks and specks,
opaque images in every accepted format and PNG layout, photos, NumPy arrays, MNIST digits,
Pillow images, and broken, blank or hostile inputs. Two worker processes run `preprocess` on
each input: one imports the base `ml`, the other the working tree's. Each output must be an
array of the same dtype and shape with the same bits. Each error must have the same class and
message. The script exits 1 on any difference and 0 otherwise.

--count sets how many inputs are generated at random (default 1300), by preprocess_inputs.py
and preprocess_canvas_inputs.py. About 240 fixed edge cases from preprocess_edge_cases.py are
added to them. --against-dir DIR compares the base with the `ml/` package inside DIR
instead of the working tree. One use is to check this checker against a copy of `ml/` with one
constant changed.
"""

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_COUNT = 1300


def main() -> None:
    args = parse_args()
    if args.worker:
        run_worker(*args.worker)
        return
    new_dir = Path(args.against_dir).resolve() if args.against_dir else ROOT
    if not (new_dir / "ml" / "preprocess.py").is_file():
        sys.exit(f"{new_dir} holds no ml/preprocess.py; --against-dir must name the folder that contains ml/.")
    with tempfile.TemporaryDirectory(prefix="check-preprocess-") as tmp:
        tmp = Path(tmp)
        commit = export_ml(args.base, tmp / "base")
        started = time.perf_counter()
        inputs = make_inputs(args.seed, args.count)
        (tmp / "inputs.pickle").write_bytes(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"{len(inputs)} inputs generated from seed {args.seed} in {time.perf_counter() - started:.1f} s")
        sides = run_sides(tmp, {"base": tmp / "base", "new": new_dir})
    print(f"base: {args.base} ({commit[:10]}), new: {'working tree' if new_dir == ROOT else new_dir}")
    # Both sides run at the same time, one core each: the times are for information, not a benchmark.
    for side, result in sides.items():
        print(f"{side:>5}: {result['seconds']:.2f} s in preprocess ({result['origin']})")
    sys.exit(1 if report(inputs, sides["base"]["results"], sides["new"]["results"]) else 0)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD", help="git revision to compare against (default HEAD)")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help=f"randomly generated inputs (default {DEFAULT_COUNT})")
    parser.add_argument("--seed", type=int, default=0, help="seed of every generated input (default 0)")
    parser.add_argument("--against-dir", help="compare the base with the ml/ inside this folder instead of the working tree")
    parser.add_argument("--worker", nargs=3, metavar=("INPUTS", "OUTPUT", "FOLDER"), help=argparse.SUPPRESS)
    return parser.parse_args()


def export_ml(revision: str, dest: Path) -> str:
    """Write the revision's `ml/` into `dest` with git archive, leaving the working tree and index alone."""
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True, text=True)
    if found.returncode:
        sys.exit(f"--base {revision} is not a commit of the repository at {ROOT}.")
    commit = found.stdout.strip()
    dest.mkdir()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit, "ml"], stdout=subprocess.PIPE)
    extract = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout)
    archive.stdout.close()
    if archive.wait() or extract.returncode or not (dest / "ml" / "preprocess.py").is_file():
        sys.exit(f"Could not export ml/ of {revision} ({commit}) with git archive.")
    return commit


def run_sides(tmp: Path, folders: dict) -> dict:
    """Run the worker once per side, both at once (one core each), and load what they wrote."""
    processes = {}
    for side, folder in folders.items():
        # PYTHONPATH alone decides which ml/ is imported. -P keeps bench/ off sys.path, and cwd
        # is the temporary folder, so nothing else can supply an `ml` package.
        env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-P", str(Path(__file__).resolve()), "--worker", str(tmp / "inputs.pickle"), str(tmp / f"{side}.pickle"), str(folder)]
        processes[side] = subprocess.Popen(command, env=env, cwd=tmp)
    failed = [side for side, process in processes.items() if process.wait()]
    if failed:
        sys.exit(f"The {' and '.join(failed)} worker failed; see its message above.")
    return {side: pickle.loads((tmp / f"{side}.pickle").read_bytes()) for side in folders}


# --- worker: runs in a subprocess whose PYTHONPATH is one side's folder -------------------------


def run_worker(inputs_path: str, output_path: str, folder: str) -> None:
    from ml.preprocess import preprocess  # The side under test: PYTHONPATH is its folder.

    # -P left bench/ off sys.path. Appended after PYTHONPATH and site-packages, it lets the
    # unpickler find Prepared and cannot supply an `ml` package.
    sys.path.append(str(Path(__file__).resolve().parent))
    from preprocess_prepared import Prepared

    inputs = pickle.loads(Path(inputs_path).read_bytes())
    results, seconds = [], 0.0
    for _name, value in inputs:
        source = value.build() if isinstance(value, Prepared) else value
        started = time.perf_counter()
        results.append(outcome(preprocess, source))
        seconds += time.perf_counter() - started
    origin = check_origin(Path(folder))
    Path(output_path).write_bytes(pickle.dumps({"results": results, "seconds": seconds, "origin": origin}, protocol=pickle.HIGHEST_PROTOCOL))


def outcome(preprocess, source) -> tuple:
    try:
        return ("output", preprocess(source))
    except Exception as exc:  # Any exception is a result: it must match the other side's.
        return ("error", type(exc).__name__, str(exc))


def check_origin(folder: Path) -> str:
    """Make sure every loaded `ml` module came from `folder`, so a tree is never compared with itself."""
    expected = (folder / "ml").resolve()
    for name, module in list(sys.modules.items()):
        if name == "ml" or name.startswith("ml."):
            path = Path(module.__file__ or next(iter(module.__path__))).resolve()  # A namespace package has no file.
            if not path.is_relative_to(expected):
                sys.exit(f"{name} was imported from {path}, not from {expected}; check PYTHONPATH.")
    return str(Path(sys.modules["ml.preprocess"].__file__).resolve())


# --- comparison -------------------------------------------------------------------------------------


def report(inputs: list, base: list, new: list) -> list:
    """Print counts per category and every difference, and return the differences."""
    counts, differences = {}, []
    for (name, _value), before, after in zip(inputs, base, new, strict=True):
        category = counts.setdefault(name.split("/")[0], [0, 0, 0])
        difference = describe_difference(before, after)
        category[0] += 1
        category[1] += difference is None
        category[2] += before[0] == "error"
        if difference:
            differences.append(f"  {name}: {difference}")
    print(f"\n{'category':<20}{'inputs':>8}{'identical':>11}{'raised':>8}")
    for name, (total, same, raised) in counts.items():
        print(f"{name:<20}{total:>8}{same:>11}{raised:>8}")
    totals = np.sum(list(counts.values()), axis=0)
    print(f"{'total':<20}{totals[0]:>8}{totals[1]:>11}{totals[2]:>8}   (raised: errors on the base side)")
    if differences:
        print(f"\n{len(differences)} of {len(inputs)} inputs differ:", *differences, sep="\n")
    else:
        print(f"\nAll {len(inputs)} inputs give identical outputs and errors.")
    return differences


def describe_difference(before: tuple, after: tuple) -> str | None:
    """None when both sides agree bit for bit, else a description of the difference."""
    if before[0] == after[0] == "error":
        return None if before == after else f"base raised {before[1]}({before[2]!r}), now {after[1]}({after[2]!r})"
    if before[0] != after[0]:
        return f"base {summary(before)}, now {summary(after)}"
    return array_difference(before[1], after[1])


def summary(result: tuple) -> str:
    if result[0] == "error":
        return f"raised {result[1]}({result[2]!r})"
    return f"returned {type(result[1]).__name__} {getattr(result[1], 'shape', '')}"


def array_difference(a, b) -> str | None:
    if type(a) is not type(b) or not isinstance(a, np.ndarray):
        return None if type(a) is type(b) and repr(a) == repr(b) else f"base returned {type(a).__name__}, now {type(b).__name__}"
    if a.dtype != b.dtype or a.shape != b.shape:
        return f"base returned {a.dtype} {a.shape}, now {b.dtype} {b.shape}"
    if np.array_equal(a, b) and a.tobytes() == b.tobytes():
        return None
    changed = int(np.count_nonzero(a != b))
    if not changed:
        return "equal values with different bits (signed zeros or NaN payloads)"
    largest = np.nanmax(np.abs(a.astype(np.float64) - b.astype(np.float64)), initial=0.0)
    return f"max abs difference {largest:.6g}, {changed} of {a.size} pixels differ"


# --- inputs -----------------------------------------------------------------------------------------


def make_inputs(seed: int, count: int) -> list:
    """(name, value) pairs: the fixed edge cases, then `count` random inputs split by category weight."""
    # Imported here, not at the top: the worker runs this file too, without bench/ on its path,
    # and must not load them (they draw with the working tree's ml).
    from preprocess_edge_cases import edge_cases
    from preprocess_inputs import RANDOM_CATEGORIES

    sys.path.insert(0, str(ROOT))  # ml.drawn_digits and ml.mnist of the working tree draw the digits.
    inputs = list(edge_cases(category_rng(seed, "edge")))
    total = sum(weight for _generator, weight in RANDOM_CATEGORIES.values())
    for name, (generator, weight) in RANDOM_CATEGORIES.items():
        # Each category has its own stream, so changing one category leaves the others' inputs alone.
        inputs += generator(category_rng(seed, name), max(1, round(count * weight / total)))
    names = [name for name, _value in inputs]
    assert len(set(names)) == len(names), "input names must be unique"
    return inputs


def category_rng(seed: int, category: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(category.encode())])


if __name__ == "__main__":
    main()
