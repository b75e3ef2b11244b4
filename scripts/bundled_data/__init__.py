"""The parts of ``scripts/make_data.py``, one module per kind of bundled data.

=================  ==============================================================
``common``         the seed, seeded generators, the WAV writer, decibels, notes
``digits``         synthetic spoken digits (espeak-ng and sox)
``instruments``    synthesised instrument notes
``music``          the synthetic music excerpt
``real``           real recordings (clips and FSDD digits) from a source folder
``documents``      manifest.csv, LICENSE.md, README.md, checks and the summary
=================  ==============================================================
"""
