"""Rebuild the ``real5`` held-out set (16 recordings of real English speech).

The sources and their cuts are below; bench/speech_sets.py fetches each from a bare clone of its
repository under $MIRROR (default /work/.mirror), checks its git blob id, cuts it and writes
OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh5/build.py ../shared/speech_fresh5
"""

import os
import sys
from pathlib import Path

RZ = "resemble-ai/Resemblyzer"
RZ_C = "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce"
RZ_LIC = "LibriSpeech CC-BY-4.0; repo Apache-2.0"
VC = "jasonppy/VoiceCraft"
VC_C = "a702dfd2ced6d4fd6b04bdc160c832c6efc8f6c5"
VC_LIC = "LibriTTS CC-BY-4.0 (by file name); repo code CC-BY-NC-SA-4.0"
JS = "microsoft/cognitive-services-speech-sdk-js"
JS_C = "9e882235145fe4f3f05b125b662755863cf8503f"
JS_OBAMA = "tests/AudioPlayerTests/server/ObamaInterview1.wav"
JS_OBAMA_LIC = (
    "UNKNOWN: broadcast/press interview (speaker named only in the file name), copyright not stated; "
    "only the repo licence (MIT) applies"
)
CH = "Picovoice/cheetah"
CH_C = "83c2b51ae8648d21bb3abdb7fa18045a6bf1216d"
PV_LIC = "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies"

CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    # --- read speech, redistributable dataset licences ---
    (
        "librispeech_test-other_3080-5032-0002.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/3080/3080-5032-0002.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 3080 (F per SPEAKERS.TXT in repo; est. F0 ~188 Hz); whole utterance as in source",
    ),
    (
        "librispeech_test-other_533-1066-0002.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/533/533-1066-0002.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 533 (F per SPEAKERS.TXT; est. F0 ~254 Hz); whole utterance as in source",
    ),
    (
        "librispeech_1034-121119-0000.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_train-clean-100/1034-121119-0000.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech train-clean-100 speaker 1034 (M per SPEAKERS.TXT; est. F0 ~123 Hz); whole utterance as in source",
    ),
    (
        "librispeech_3607-135982-0000.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_train-clean-100/3607-135982-0000.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech train-clean-100 speaker 3607 (M per SPEAKERS.TXT; est. F0 ~106 Hz); whole utterance as in source",
    ),
    (
        "libritts_5895_34622_000026_000002.wav",
        VC,
        VC_C,
        "demo/5895_34622_000026_000002.wav",
        None,
        "read",
        VC_LIC,
        "LibriTTS utterance (id per file name), speaker 5895 (F est. F0 ~208 Hz); the real prompt/input example of the VoiceCraft demo (not a model output); whole 7.9 s file, pauses 3.50-4.00 and 5.77-6.17, trailing low-energy 7.63-7.87",
    ),
    (
        "libritts_84_121550_000074_000000.wav",
        VC,
        VC_C,
        "demo/84_121550_000074_000000.wav",
        None,
        "read",
        VC_LIC,
        "LibriTTS utterance (id per file name), speaker 84 (F est. F0 ~232 Hz); the real input example of the VoiceCraft speech-editing demo (not a model output); whole 7.9 s file; speech runs to 7.84 s, so the end is close to the file edge",
    ),
    (
        "vctk_p286_011_48k.wav",
        "iver56/audiomentations",
        "73b94488279feda6542a2813c70ed0d00b49ee4f",
        "demo/p286_011.wav",
        None,
        "read",
        "VCTK CC-BY-4.0 (by file name); repo MIT",
        "VCTK speaker p286 (M est. F0 ~135 Hz), unprocessed demo input of the augmentation library (its transformed outputs were not used); 48 kHz; whole 6.8 s file, pause 2.71-3.13, trailing low-energy 6.16-6.77",
    ),
    # --- spontaneous speech ---
    (
        "obama_interview_sdkjs_84.94-90.21.wav",
        JS,
        JS_C,
        JS_OBAMA,
        (84.94, 90.21, None),
        "spontaneous",
        JS_OBAMA_LIC,
        "audio-player test file of the Speech SDK for JavaScript, an interview (named after Barack Obama; which speaker talks here is not verified, est. F0 ~100 Hz, M); one unbroken run of speech 85.25-89.82 between low-energy gaps 84.63-85.25 (<p95-23 dB) and 89.82-90.60 (<p95-20 dB), cut in their middles; single speaker assumed from the unbroken run, not from any annotation",
    ),
    (
        "obama_interview_sdkjs_70.41-74.35.wav",
        JS,
        JS_C,
        JS_OBAMA,
        (70.41, 74.35, None),
        "spontaneous",
        JS_OBAMA_LIC,
        "same interview file; one unbroken run 70.72-74.01 (M est. F0 ~96 Hz, probably the same man as the previous clip, not verified) between low-energy gaps 70.10-70.72 (<p95-20 dB) and 74.01-74.68 (<p95-21 dB), cut in their middles; the run before it (68.24-70.10, est. F0 ~114 Hz) may be the other party and is excluded",
    ),
    (
        "sdkjs_talkforafewseconds_44k.wav",
        JS,
        JS_C,
        "tests/input/audio/talkforafewseconds.wav",
        None,
        "spontaneous",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "Speech SDK test recording (M est. F0 ~110 Hz); 'talk for a few seconds' (file name) suggests free speech, but read vs spontaneous is not verified; natural noise floor (p10 ~-80 dB); 44.1 kHz; whole 7.0 s file, leading 0.89 s quiet, pause 2.54-2.94, trailing low-energy 5.83-7.03",
    ),
    # --- UNKNOWN recording origin (only the repo licence is known) ---
    (
        "sdkjs_explicitpunc1.wav",
        JS,
        JS_C,
        "tests/input/audio/explicitpunc1.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "Speech SDK punctuation test recording (M est. F0 ~96 Hz; a short final stretch 3.83-4.29 has a higher F0 ~188 Hz, probably rising intonation, one speaker assumed); quiet (p95 ~-34 dBFS) with a natural noise floor; whole 5.0 s file, trailing low-energy 4.29-4.96",
    ),
    (
        "picovoice_cheetah_test_en.wav",
        CH,
        CH_C,
        "resources/audio_samples/test_en.wav",
        None,
        "read",
        PV_LIC,
        "English streaming-STT test recording (language by the repo's naming: the other files carry _de/_es/_fr/... suffixes) (M est. F0 ~122 Hz); whole 4.5 s file, speech about 0.74-3.34 s then 1.1 s low-energy tail; not the LibriSpeech 1272 file used by the corpus (different size and speaker)",
    ),
    (
        "picovoice_cheetah_test_en_norm.wav",
        CH,
        CH_C,
        "resources/audio_samples/test_en_norm.wav",
        None,
        "read",
        PV_LIC,
        "English text-normalisation test recording of the same repo (F est. F0 ~186 Hz, a different speaker from the previous clip); whole 6.8 s file; speech ends at 6.61, trailing low-energy only 0.20 s",
    ),
    (
        "picovoice_octopus_multiple_keywords_8.90-21.65.wav",
        "Picovoice/octopus",
        "12284ed6ec08d818b6a6aea0bf713faaee5a2954",
        "res/audio/multiple_keywords.wav",
        (8.90, 21.65, None),
        "read",
        PV_LIC,
        "English speech-search test recording (language by the repo's naming: the other files carry _de/_es/... suffixes) (M est. F0 ~97 Hz); single speaker assumed (steady F0 across the excerpt), not annotated; phrase-by-phrase delivery with many pauses; cuts inside low-energy gaps 8.25-9.52 (<p95-20 dB) and 21.49-21.81 (<p95-20 dB, only 0.32 s)",
    ),
    (
        "azure_languagedetection_enus.wav",
        "Azure-Samples/cognitive-services-speech-sdk",
        "af304cc2298f99c58e21d1e17e00afd8496bf2f1",
        "samples/csharp/sharedcontent/console/LanguageDetection_enUS.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "en-US sample for the SDK's language detection (F est. F0 ~167 Hz); room-noise floor (p10 ~-45 dB, no digital silence), so a human recording is assumed but not proven; one unbroken 6.3 s run of speech with tight edges (0.11 s lead, 0.06 s tail)",
    ),
    (
        "deepgram_testing_websocket_8k_mulaw.wav",
        "deepgram/deepgram-python-sdk",
        "3cca1b175aa32a423ad75263585fbe6d12397ac9",
        "tests/daily_test/testing-websocket.wav",
        None,
        "telephone",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "SDK websocket test input (M est. F0 ~89 Hz); 8 kHz mu-law WAV (telephone band); converted with a consumer tool per its LIST/INFO chunk; human vs synthetic not proven (natural noise floor p10 ~-57 dB); whole 4.7 s file, speech about 0.87-3.70 s; the file was removed from the repo at 768d514 (this commit is its parent)",
    ),
]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from speech_sets import build

    out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VOICEPRACTICE_FRESH_SPEECH5", "../shared/speech_fresh5")
    build(CLIPS, out)
