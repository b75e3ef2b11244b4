"""Score spoken-digit features on any folder in the Free Spoken Digit Dataset layout.

Runs the comparison of notebooks/10_recognition.ipynb (MFCC statistics, PCA of
log-mel patches, autoencoder codes; standard split and leave-one-speaker-out)
and prints the table, so the notebook's design can be checked on real
recordings quickly:

    python scripts/recognition_on_folder.py ~/fsdd/recordings
    python scripts/recognition_on_folder.py --fetch          # download FSDD first

Files must be named {digit}_{speaker}_{take}.wav; the standard split tests on
takes 0-4. On the real FSDD (3000 clips) it takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="folder of {digit}_{speaker}_{take}.wav files")
    parser.add_argument("--fetch", action="store_true", help="download the real FSDD and use it")
    # The defaults are lesson 10's pipeline (recognition.compare_features).
    parser.add_argument("--code-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=400, help="optimizer steps per autoencoder")
    parser.add_argument(
        "--speaker-groups",
        type=int,
        default=0,
        help="autoencoders for leave-one-speaker-out (0: one per speaker)",
    )
    parser.add_argument(
        "--without-synthetic",
        action="store_true",
        help="do not add the bundled synthetic voices as extra training speakers",
    )
    arguments = parser.parse_args(argv)
    if arguments.folder is None and not arguments.fetch:
        parser.error("give a folder, or --fetch to download the real Free Spoken Digit Dataset")

    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    from course_utils import data, recognition

    folder = data.fetch_fsdd() if arguments.fetch else arguments.folder
    started = time.perf_counter()
    digits = data.load_spoken_digits(root=folder)
    print(digits, flush=True)
    results = recognition.compare_features(
        digits,
        code_size=arguments.code_size,
        steps=arguments.steps,
        speaker_groups=arguments.speaker_groups or None,
        verbose=True,
        extra=None if arguments.without_synthetic else data.load_synthetic_digits(),
    )
    print()
    print(recognition.format_results(results))
    print()
    for name, (_, loso) in results.items():
        print(f"{name}: " + ", ".join(f"{s} {a:.0%}" for s, a in loso.per_speaker.items()))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
