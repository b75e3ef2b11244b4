"""Spoken-digit recognition: MFCC, PCA and autoencoder features, two splits.

Runs the comparison of 08_recognition (course_utils.features.compare_features)
on the bundled real digits (FSDD, 4 speakers), or on any folder in FSDD layout
with --digits-dir (the whole FSDD from course_utils.fetch.fetch_fsdd, say). The
targets are judged on that real set; in full mode the bundled synthetic voices
are an extra, labelled set, reported for contrast and never for a target.
"""

from __future__ import annotations

STANDARD_TARGET = 0.975
SPEAKER_TARGET = 0.75


def run(quick: bool = False, digits_dir: str | None = None) -> dict:
    import course_utils

    course_utils.setup_notebook(seed=0, style=False)
    from course_utils import data, features

    source = "bundled real FSDD digits" if digits_dir is None else f"folder {digits_dir}"
    real = data.load_spoken_digits(root=digits_dir or data.data_path("real", "digits"))
    if quick:  # three speakers: the smallest set on which leave-one-speaker-out means something
        real = data.load_spoken_digits(root=real.root, speakers=sorted(set(real.speakers.tolist()))[:3])
    sets = [(source, real)]
    if not quick:
        sets.append(("bundled synthetic voices (extra)", data.load_synthetic_digits()))
    rows = []
    for name_of_set, digits in sets:
        results = features.compare_features(digits, steps=100 if quick else 300, verbose=True)
        rows += [
            {"features": name, "data": name_of_set, "standard_split": standard.accuracy,
             "leave_one_speaker_out": loso.accuracy, "worst_voice": loso.worst_speaker,
             "worst_voice_accuracy": loso.per_speaker[loso.worst_speaker]}
            for name, (standard, loso) in results.items()
        ]
    autoencoder = next(r for r in rows if r["features"].startswith("autoencoder") and r["data"] == source)
    return {
        "rows": rows,
        "note": (
            f"Targets judged on {source} ({len(real)} clips, {len(set(real.speakers.tolist()))} speakers). "
            "The synthetic voices are an extra set, for contrast: they are far easier than real ones."
        ),
        "targets": {
            f"autoencoder codes >= {STANDARD_TARGET:.1%} on the standard split ({source})":
                autoencoder["standard_split"] >= STANDARD_TARGET,
            f"autoencoder codes >= {SPEAKER_TARGET:.0%} leave-one-speaker-out ({source})":
                autoencoder["leave_one_speaker_out"] >= SPEAKER_TARGET,
        },
    }
