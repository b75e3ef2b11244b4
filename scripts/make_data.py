"""Generate the course's small bundled audio data in ``data/``, deterministically.

Run ``python scripts/make_data.py [--out data] [--real DIR [--real-only]]`` (or ``make data``).
It writes

* ``digits/``            spoken digits 0-9 from espeak-ng voices, 8 kHz, named like the
                         Free Spoken Digit Dataset: ``{digit}_{speaker}_{take}.wav``;
* ``digits_mandarin/``   the same for Mandarin (零 .. 九), two voices;
* ``instruments/``       synthesised notes, 22050 Hz: ``{instrument}_{note}_{dynamic}.wav``;
* ``music/excerpt.wav``  a 24 s piece played by those instruments;
* ``real/``              with ``--real DIR``: real recordings bundled from DIR;
* ``manifest.csv``, ``README.md`` and ``LICENSE.md``.

One module per kind of data in ``scripts/bundled_data/``, which this script's ``main`` puts
together:

=================  ==============================================================
``common``         the seed, seeded generators, the WAV writer, decibels, notes
``digits``         synthetic spoken digits (espeak-ng and sox)
``instruments``    synthesised instrument notes
``music``          the synthetic music excerpt
``real``           real recordings (clips, FSDD digits, a MIMII fan) from a source folder
``documents``      manifest.csv, LICENSE.md, README.md, checks and the summary
=================  ==============================================================

The sample rates come from ``course_utils.settings`` (``DIGITS_RATE``, ``MUSIC_RATE``,
``SPEECH_RATE``), so the data and the lessons that load it agree. Every random choice
comes from a NumPy generator seeded from ``SEED`` and the file's identity, so running
the script twice gives byte-identical files (with the same espeak-ng, sox and libsndfile
versions). It needs the programs espeak-ng and sox.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (
    ROOT,
    ROOT / "scripts",
):  # course_utils.settings and bundled_data/, when imported by path
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from bundled_data.common import check_tools, write_wav  # noqa: E402
from bundled_data.denoising import bundle_real_denoising  # noqa: E402
from bundled_data.digits import (  # noqa: E402
    ENGLISH_ENDINGS,
    ENGLISH_SPEAKERS,
    ENGLISH_WORDS,
    MANDARIN_SPEAKERS,
    MANDARIN_TAKES,
    MANDARIN_WORDS,
    TAKES,
    generate_digits,
)
from bundled_data.documents import (  # noqa: E402
    check_digits,
    clear_generated,
    print_summary,
    real_rows_from_manifest,
    synthetic_rows_from_manifest,
    weights_rows_from_manifest,
    write_licence,
    write_manifest,
    write_readme,
)
from bundled_data.instruments import SYNTH_SR, generate_instruments  # noqa: E402
from bundled_data.music import compose_music  # noqa: E402
from bundled_data.real import (  # noqa: E402
    bundle_real_clips,
    bundle_real_digits,
    bundle_real_machines,
    clear_real,
)


def main(argv=None) -> int:
    """Generate everything into --out (default: data/ beside scripts/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument(
        "--real",
        type=Path,
        default=None,
        help="folder of real recordings to bundle (clips/, fsdd-4-speakers/ and machines/)",
    )
    parser.add_argument(
        "--real-only",
        action="store_true",
        help="keep the synthetic files and their manifest rows; redo only real/",
    )
    args = parser.parse_args(argv)
    if args.real_only and args.real is None:
        parser.error("--real-only needs --real DIR")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.real_only:
        rows = synthetic_rows_from_manifest(out)
    else:
        rows = generate_synthetic(out)
    if args.real is not None:
        clear_real(out)
        rows += bundle_real_clips(out, args.real.resolve())
        rows += bundle_real_digits(out, args.real.resolve())
        rows += bundle_real_machines(out, args.real.resolve())
        rows += bundle_real_denoising(out, args.real.resolve())
    else:
        # Without --real, keep the real files already bundled (they need the source folder to redo).
        rows += real_rows_from_manifest(out)

    rows += weights_rows_from_manifest(out)
    finished = write_manifest(out, rows)
    from course_utils import data as course_data

    if out == course_data._bundled_folder().resolve():
        course_data.record_manifest()  # the doctor compares the manifest with this record
    write_licence(out, finished)
    write_readme(out, finished)
    print_summary(out, finished)
    problems = check_digits(out, finished)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


def generate_synthetic(out: Path) -> list[dict]:
    """Generate the synthetic digits, notes and music; return their manifest rows."""
    check_tools()
    clear_generated(out)
    rows = generate_digits(
        out, "digits", "digit", ENGLISH_SPEAKERS, ENGLISH_WORDS, TAKES, ENGLISH_ENDINGS
    )
    rows += generate_digits(
        out,
        "digits_mandarin",
        "digit_mandarin",
        MANDARIN_SPEAKERS,
        MANDARIN_WORDS,
        MANDARIN_TAKES,
        ("",),
    )
    rows += generate_instruments(out)
    music_path = out / "music" / "excerpt.wav"
    write_wav(music_path, compose_music(), SYNTH_SR)
    rows.append({"path": music_path, "kind": "music", "label": "music"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
