"""Spoken-digit recognition: MFCC, PCA and autoencoder features, two splits.

Runs the comparison of 08_recognition (course_utils.features.compare_features)
on the bundled digits, or on any folder in FSDD layout with --digits-dir.
The targets refer to real recordings; on the bundled synthetic voices they
are reported for information and say which data they were measured on.
"""

from __future__ import annotations

STANDARD_TARGET = 0.975
SPEAKER_TARGET = 0.75


def run(quick: bool = False, digits_dir: str | None = None) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    from course_utils import data, features

    digits = data.load_spoken_digits(root=digits_dir)
    if quick:
        keep = sorted(set(digits.speakers.tolist()))[:4]
        digits = data.load_spoken_digits(root=digits_dir, speakers=keep)
    results = features.compare_features(digits, steps=100 if quick else 300, verbose=True)
    source = "bundled synthetic voices" if digits_dir is None else f"folder {digits_dir}"
    rows = [
        {"features": name, "data": source, "standard_split": standard.accuracy,
         "leave_one_speaker_out": loso.accuracy, "worst_voice": loso.worst_speaker,
         "worst_voice_accuracy": loso.per_speaker[loso.worst_speaker]}
        for name, (standard, loso) in results.items()
    ]
    autoencoder = next(r for r in rows if r["features"].startswith("autoencoder"))
    return {
        "rows": rows,
        "note": (
            f"Measured on {source} ({len(digits)} clips, {len(set(digits.speakers.tolist()))} speakers). "
            "The targets are meant for real recordings (FSDD: run with --digits-dir); on the synthetic "
            "voices they are easier to meet."
        ),
        "targets": {
            f"autoencoder codes >= {STANDARD_TARGET:.1%} on the standard split ({source})":
                autoencoder["standard_split"] >= STANDARD_TARGET,
            f"autoencoder codes >= {SPEAKER_TARGET:.0%} leave-one-speaker-out ({source})":
                autoencoder["leave_one_speaker_out"] >= SPEAKER_TARGET,
        },
    }
