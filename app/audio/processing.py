"""Recordings probed and converted with PyAV (FFmpeg's libraries, bundled in its wheels).

Nothing here knows Flask or the database: a path in, facts or bytes out.

``probe`` decodes the whole audio stream to learn how long it truly lasts (headers can lie
or be missing: a browser's WebM has no duration), and refuses whatever is not decodable
audio. ``convert`` makes the one file every phone browser plays: MP3, mono, 22.05 kHz,
48 kb/s, stripped of every tag: no ID3v1 or ID3v2 tag, no Xing/Info header, none of the
original container's metadata (a title, an artist, a phone's name, a place). Only the
encoder's version string ("LAME3.100") stays, in the padding of the MP3 frames, where
libmp3lame writes it whatever its options: it says which software encoded the file and
nothing about the person.

Disguising a voice: ``asetrate`` plays the samples as if recorded at F times the rate, which
moves pitch and formants together (the timbre that makes a voice recognisable, not only
its note); ``aresample`` brings it back to the real rate and ``atempo`` (1/F) restores the
duration. F is drawn at random for each conversion, between 0.76 and 0.84 (about three to
five semitones lower), and stored nowhere, so no one can read it back to undo the shift
exactly. Lowering rather than raising: a raised voice sounds like a cartoon, which makes a
testimony sound like a joke, and pushes the consonants' energy past what a 22 kHz MP3
keeps, so a lowered voice stays more dignified and easier to understand.

What the disguise does and does not do: it makes a voice hard to recognise for someone
who knows it, in passing. It is not anonymisation: a pitch shift is a simple transform,
and an expert who tries factors near 0.8 can bring the voice close to the original; the
words, accent, rhythm and what the person says can identify them too. Someone who must not
be recognised at all should write their testimony, or have it written for them.
"""

import io
import os
import secrets
import time
from dataclasses import dataclass

import av
from av.filter import Graph

# The range the disguise's factor is drawn from: far enough from 1 to change the voice,
# near enough to keep speech easy to understand.
DISGUISE_FACTORS = (0.76, 0.84)
OUTPUT_RATE = 22050
OUTPUT_BITRATE = 48_000
MEDIA_TYPE = "audio/mpeg"
# A file whose decoded length falls this far short of what its header says was cut off.
TRUNCATED_BELOW = 0.9
# The MP3 muxer writes an ID3v2 tag ("TSSE Lavf…") and a Xing header by default: neither.
_MUXER_OPTIONS = {
    "id3v2_version": "0",
    "write_id3v1": "0",
    "write_xing": "0",
    "fflags": "+bitexact",
}


class NotAudio(Exception):
    """The file is not a recording FFmpeg can decode (or it holds no sound at all)."""


class EmptyRecording(NotAudio):
    """Decodable audio, but not one sample in it."""


class TooLong(Exception):
    """The recording lasts longer than allowed."""

    def __init__(self, seconds: float):
        super().__init__(f"longer than {seconds:.0f} s")
        self.seconds = seconds


@dataclass
class Probe:
    duration_seconds: float
    format_name: str
    codec_name: str


def probe(path: str, *, max_seconds: float | None = None, time_limit: float | None = None) -> Probe:
    """What the file is, decoded to its end (or until it passes ``max_seconds``: TooLong;
    until decoding has taken ``time_limit`` seconds: TooSlow)."""
    try:
        with av.open(path, mode="r") as container:
            if not container.streams.audio:
                raise NotAudio("no audio stream")
            stream = container.streams.audio[0]
            seconds = _decoded_seconds(container, stream, max_seconds, _deadline(time_limit))
            declared = container.duration / av.time_base if container.duration else None
            format_name, codec_name = container.format.name, stream.codec_context.name
    except (av.FFmpegError, OSError, UnicodeDecodeError, ValueError, IndexError) as error:
        raise NotAudio(str(error)) from error
    if seconds <= 0:
        raise EmptyRecording("no sound decoded")
    if declared and seconds < declared * TRUNCATED_BELOW:
        raise NotAudio(f"truncated: {seconds:.1f} s of {declared:.1f} s")
    if format_name == "wav" and _wav_cut_short(path):
        raise NotAudio("truncated WAV")
    return Probe(duration_seconds=seconds, format_name=format_name, codec_name=codec_name)


def _wav_cut_short(path: str) -> bool:
    """FFmpeg plays a WAV cut short without a word (it reckons with the file's size):
    whether its data chunk says more bytes than the file holds. A recorder that streamed
    the file writes 0 or 0xFFFFFFFF there, which says nothing."""
    with open(path, "rb") as wav:
        head = wav.read(4096)
        wav.seek(0, os.SEEK_END)
        size = wav.tell()
    position = 12  # after "RIFF", the size, "WAVE"
    while position + 8 <= len(head):
        chunk, length = (
            head[position : position + 4],
            int.from_bytes(head[position + 4 : position + 8], "little"),
        )
        if chunk == b"data":
            unknown = length in (0, 0xFFFFFFFF)
            return not unknown and position + 8 + length > size
        position += 8 + length + (length % 2)
    return False


def _deadline(time_limit: float | None) -> float | None:
    return None if time_limit is None else time.monotonic() + time_limit


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TooSlow("decoding past its time limit")


def _frames(container, stream, deadline: float | None):
    """The stream's decoded frames; the time limit checked at every packet read, so a file
    of packets that decode to nothing is stopped too."""
    for packet in container.demux(stream):
        _check_deadline(deadline)
        yield from packet.decode()


def _decoded_seconds(container, stream, max_seconds: float | None, deadline) -> float:
    seconds = 0.0
    for frame in _frames(container, stream, deadline):
        if frame.sample_rate:
            seconds += frame.samples / frame.sample_rate
        if max_seconds is not None and seconds > max_seconds:
            raise TooLong(seconds)
    return seconds


def disguise_factor() -> float:
    """A factor for one recording, drawn from the system's random source: never the same
    twice in a row, and never kept."""
    low, high = DISGUISE_FACTORS
    return secrets.SystemRandom().uniform(low, high)


class TooSlow(Exception):
    """The conversion passed its time limit (a file made to make the decoder crawl)."""


def convert(path: str, *, disguise: bool, time_limit: float | None = None) -> bytes:
    """The recording as a small mono MP3 without tags, its voice disguised if asked (by a
    factor drawn for this conversion alone). Past ``time_limit`` seconds, TooSlow: checked
    at each packet read, so a conversion never holds the worker (and its e-mails) long."""
    deadline = _deadline(time_limit)
    out = io.BytesIO()
    with av.open(path, mode="r") as source:
        stream = source.streams.audio[0]
        with av.open(out, mode="w", format="mp3", options=_MUXER_OPTIONS) as target:
            encoder = target.add_stream("libmp3lame", rate=OUTPUT_RATE, layout="mono")
            encoder.bit_rate = OUTPUT_BITRATE
            encoder.codec_context.options = {"flags": "+bitexact"}
            graph = _graph(stream, disguise)
            for frame in _frames(source, stream, deadline):
                frame.pts = None
                graph.push(frame)
                _encode_ready(graph, encoder, target)
            graph.push(None)
            _encode_ready(graph, encoder, target)
            for packet in encoder.encode(None):
                target.mux(packet)
    return out.getvalue()


def _graph(stream, disguise: bool) -> Graph:
    graph = Graph()
    rate = stream.codec_context.sample_rate
    chain = [graph.add_abuffer(template=stream)]
    if disguise:
        factor = disguise_factor()
        chain += [
            graph.add("asetrate", f"{round(rate * factor)}"),
            graph.add("aresample", f"{rate}"),
            graph.add("atempo", f"{1 / factor:.6f}"),
        ]
    chain += [
        graph.add("aresample", f"{OUTPUT_RATE}"),
        graph.add("aformat", f"sample_fmts=s16p:channel_layouts=mono:sample_rates={OUTPUT_RATE}"),
        graph.add("abuffersink"),
    ]
    graph.link_nodes(*chain).configure()
    return graph


def _encode_ready(graph: Graph, encoder, target) -> None:
    while True:
        try:
            frame = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return
        frame.pts = None
        for packet in encoder.encode(frame):
            target.mux(packet)
