"""python_closure.py CODE - the host files a Python program needs, for bench/workload --python.

Run by the interpreter to be copied: it runs CODE (its output goes to stderr), then prints, one
per line on stdout, every host path an image needs so that the same interpreter runs CODE
inside it at the same paths:
- the interpreter, its ELF interpreter (the dynamic loader), every file mapped into this
  process (libpython, libc, the extension modules and the libraries they pulled), each by the
  name the loader opened it by, and the linker cache it found them through;
- the standard library whole but its site-packages (the site module and the imports of CODE
  read from it), a virtual environment's pyvenv.cfg, and the .pth files the site module runs;
- for every imported module below a sys.path entry, that entry's top-level package whole
  (numpy/, scipy/), so that lazy imports inside a package find what they need;
- every symbolic link on the way to any of these paths, and the link's target: /lib64 is one
  on merged-/usr systems, and a venv's bin/python3 another.
Directories are copied whole by the caller (tar): a path here may be a directory."""

import os
import struct
import sys

PT_INTERP = 3
MAX_LINKS = 40  # as the kernel's limit on symbolic links in one path walk


def elf_interpreter(path):
    """The PT_INTERP path of a 64-bit little-endian ELF file, or None."""
    with open(path, "rb") as f:
        header = f.read(64)
        if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            return None
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, _flags, offset, _vaddr, _paddr, filesz = struct.unpack("<IIQQQQ", f.read(40))
            if ptype == PT_INTERP:
                f.seek(offset)
                return f.read(filesz).rstrip(b"\0").decode()
    return None


def mapped_files():
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and fields[5].startswith("/"):
                yield fields[5].rstrip("\n").removesuffix(" (deleted)")


def loaded_objects():
    """The names the dynamic loader opened each loaded object by (dl_iterate_phdr).
    /proc/self/maps names only the files at the end of the links, but the loader looks a
    library up by its soname (libz.so.1, a link to libz.so.1.2.13)."""
    import ctypes

    class PhdrInfo(ctypes.Structure):  # the head of struct dl_phdr_info
        _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]

    names = []

    def collect(info, _size, _data):
        name = info.contents.name
        if name and name.startswith(b"/"):
            names.append(os.fsdecode(name))
        return 0

    callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(PhdrInfo), ctypes.c_size_t,
                                ctypes.c_void_p)(collect)
    ctypes.CDLL(None).dl_iterate_phdr(callback, None)
    return names


def top_level_packages(entries):
    """For each imported module's file below a sys.path entry: that entry's first component."""
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = os.path.abspath(path)
        for entry in entries:
            if path.startswith(entry + os.sep):
                yield os.path.join(entry, path[len(entry) + 1:].split(os.sep)[0])
                break


def pth_files(entries):  # entries: folders
    for entry in entries:
        for name in os.listdir(entry):
            if name.endswith(".pth"):
                yield os.path.join(entry, name)


def resolve(path, out, depth=0):
    """path with every symbolic link on its way resolved; each link met is added to out."""
    if depth > MAX_LINKS:
        raise SystemExit(f"python_closure: too many symbolic links on the way to {path}")
    current = "/"
    for part in path.strip("/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":  # current has no links left in it: its parent is the real one
            current = os.path.dirname(current)
            continue
        current = os.path.join(current, part)
        if os.path.islink(current):
            out.add(current)
            target = os.readlink(current)
            if not target.startswith("/"):
                target = os.path.join(os.path.dirname(current), target)
            current = resolve(target, out, depth + 1)
    return current


def standard_library():
    """The standard library's directory (os.py's) and its entries but the package folders."""
    stdlib = os.path.dirname(os.path.abspath(os.__file__))
    names = set(os.listdir(stdlib)) - {"site-packages", "dist-packages"}
    return stdlib, [os.path.join(stdlib, name) for name in sorted(names)]


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: python_closure.py CODE")
    stdout = sys.stdout
    sys.stdout = sys.stderr
    exec(compile(sys.argv[1], "<code>", "exec"), {"__name__": "__main__"})
    sys.stdout = stdout

    paths = {sys.executable}  # resolve() below adds its links and their targets
    interpreter = elf_interpreter(os.path.realpath(sys.executable))
    if interpreter:
        paths.add(interpreter)
    paths.update(mapped_files())
    paths.update(loaded_objects())
    paths.add("/etc/ld.so.cache")  # where the loader found a library outside its default folders
    stdlib, stdlib_entries = standard_library()
    paths.update(stdlib_entries)
    venv_config = os.path.join(sys.prefix, "pyvenv.cfg")
    if os.path.exists(venv_config):
        paths.add(venv_config)
    stdlib = os.path.realpath(stdlib)
    this_folder = os.path.dirname(os.path.abspath(__file__))
    entries = [os.path.abspath(e) for e in sys.path if e and os.path.isdir(e)]
    entries = [e for e in entries if e != this_folder and os.path.realpath(e) != stdlib
               and not os.path.realpath(e).startswith(stdlib + os.sep)]
    entries.sort(key=len, reverse=True)  # the deepest entry that holds a module names it
    paths.update(top_level_packages(entries))
    paths.update(pth_files(entries))

    out = set()
    for path in paths:
        if os.path.lexists(path):
            out.add(resolve(path, out))
    for path in sorted(out):
        print(path)


if __name__ == "__main__":
    main()
