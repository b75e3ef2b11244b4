"""The synthetic music excerpt: a 12-bar piece played by the course's instruments."""

from __future__ import annotations

import numpy as np

from .common import db_to_gain, note_frequency, seeded_rng
from .instruments import SYNTH_SR, bell, clarinet, envelope, flute, marimba, organ, pluck, strings

MUSIC_BPM = 112


CHORDS = {  # root (bass octave) and chord tones (middle octave)
    "Am": ("A2", ("A3", "C4", "E4")),
    "F": ("F2", ("F3", "A3", "C4")),
    "C": ("C3", ("C4", "E4", "G4")),
    "G": ("G2", ("G3", "B3", "D4")),
    "Dm": ("D3", ("D4", "F4", "A4")),
    "E": ("E2", ("E3", "G#3", "B3")),
}
PROGRESSION = ("Am", "F", "C", "G", "Am", "F", "Dm", "E", "F", "G", "Am", "E")
SCALE = ("A4", "B4", "C5", "D5", "E5", "F5", "G5", "A5")  # A natural minor, melody range
RHYTHMS = (  # melody rhythms in beats, one bar of 4/4 each
    (1, 1, 1, 1),
    (1.5, 0.5, 1, 1),
    (0.5, 0.5, 1, 2),
    (2, 1, 1),
    (1, 0.5, 0.5, 1, 1),
    (0.5, 0.5, 0.5, 0.5, 2),
)


def add_note(mix: np.ndarray, start_s: float, samples: np.ndarray, gain: float) -> None:
    """Mix samples into mix at start_s seconds (cut at the end of mix)."""
    start = int(round(start_s * SYNTH_SR))
    end = min(len(mix), start + len(samples))
    if end > start:
        mix[start:end] += gain * samples[: end - start]


def melody_line(
    rng: np.random.Generator, chord: str, previous: int
) -> list[tuple[float, float, int]]:
    """One bar of melody as (beat, length, scale step): chord tones on beats 1 and 3, steps between."""
    tones = {n[:-1] for n in CHORDS[chord][1]}
    chord_steps = [i for i, n in enumerate(SCALE) if n[:-1] in tones]
    notes, beat = [], 0.0
    for length in RHYTHMS[rng.integers(len(RHYTHMS))]:
        if beat % 2 == 0 and chord_steps:
            step = min(chord_steps, key=lambda i: (abs(i - previous), i))
        else:
            step = int(np.clip(previous + rng.choice((-2, -1, 1, 2)), 0, len(SCALE) - 1))
        notes.append((beat, length, step))
        previous, beat = step, beat + length
    return notes


def compose_music() -> np.ndarray:
    """A 12-bar piece: bass, pad, melody and percussive plucks, changing texture every few bars."""
    beat_s = 60.0 / MUSIC_BPM
    bar_s = 4 * beat_s
    total_s = len(PROGRESSION) * bar_s
    mix = np.zeros(int(round(total_s * SYNTH_SR)))
    rng = seeded_rng("music")
    previous = 4
    for bar, chord in enumerate(PROGRESSION):
        t0 = bar * bar_s
        root, tones = CHORDS[chord]
        section = bar // 4  # 0: plucks and flute, 1: organ and clarinet, 2: strings, bell, both
        # Bass: marimba on beats 1 and 3, with a pluck pickup on beat 4 after the intro.
        for beat in (0, 2):
            add_note(
                mix, t0 + beat * beat_s, marimba(note_frequency(root), 2 * beat_s, 0.7, rng), 0.35
            )
        if bar > 0:
            add_note(
                mix, t0 + 3.5 * beat_s, pluck(note_frequency(root) * 2, beat_s, 0.5, rng), 0.25
            )
        # Harmony: arpeggiated plucks in 8ths, plus a sustained pad from bar 2.
        for i in range(8):
            tone = tones[(0, 1, 2, 1)[i % 4]] if section != 1 else tones[i % 3]
            add_note(
                mix, t0 + i * 0.5 * beat_s, pluck(note_frequency(tone), beat_s, 0.6, rng), 0.18
            )
        pad = organ if section == 1 else strings
        if bar >= 2:
            for tone in tones:
                add_note(mix, t0, pad(note_frequency(tone), bar_s + 0.05, 0.4, rng), 0.07)
        # Melody: flute, then clarinet, then both an octave apart.
        lead = (flute, clarinet, flute)[section]
        for beat, length, step in melody_line(rng, chord, previous):
            freq = note_frequency(SCALE[step])
            add_note(mix, t0 + beat * beat_s, lead(freq, length * beat_s + 0.05, 0.6, rng), 0.35)
            if section == 2:
                add_note(
                    mix,
                    t0 + beat * beat_s,
                    clarinet(freq / 2, length * beat_s + 0.05, 0.5, rng),
                    0.15,
                )
            previous = step
        # Percussion: a damped high pluck on beats 2 and 4; a bell each bar of the last section.
        for beat in (1, 3):
            add_note(
                mix,
                t0 + beat * beat_s,
                pluck(note_frequency("E6"), 0.15, 1.0, rng, decay_s=0.05),
                0.2,
            )
        if section == 2:
            add_note(mix, t0, bell(note_frequency(tones[0]) * 2, 1.5, 0.7, rng), 0.15)
    mix *= envelope(len(mix), 0.005, 0.3)
    return mix * db_to_gain(-1.0) / np.max(np.abs(mix))


# ---------------------------------------------------------------- real recordings
