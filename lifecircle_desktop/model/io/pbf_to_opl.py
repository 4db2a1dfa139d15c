"""Convert an OSM PBF to OPL text in a child process whose output size is capped.

Run as ``python pbf_to_opl.py PBF OPL MAX_BYTES`` (by path, so that the child imports only
pyosmium). A PBF stores each tag string once per block and refers to it by a one-byte index, so
a 68 KB file can expand to gigabytes of text (issue 10, item 8): the child runs with
RLIMIT_FSIZE at ``MAX_BYTES``, so libosmium's write fails as soon as the text would pass it
instead of filling the disk and then the memory that reads it back. The parent tells "over the
limit" from the output's size; any other failure is a message on stderr and a non-zero exit.
"""
import resource
import sys


def convert(pbf: str, opl: str, max_bytes: int) -> None:
    import osmium

    # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG and libosmium stops.
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    writer = osmium.SimpleWriter(osmium.io.File(opl, "opl,add_metadata=false"))
    try:
        osmium.apply(pbf, writer)
    finally:
        writer.close()


if __name__ == "__main__":
    try:
        convert(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    except Exception as e:  # libosmium reports a damaged or truncated PBF as RuntimeError
        print(str(e).strip().rstrip(".") or type(e).__name__, file=sys.stderr)
        sys.exit(1)
