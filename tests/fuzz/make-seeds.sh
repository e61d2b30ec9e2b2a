#!/usr/bin/env bash
# make-seeds.sh BUILDDIR: fill BUILDDIR/seeds/TARGET/ with the starting corpus of each target.
#  - committed text seeds: fixtures/seeds/{vmcoreinfo,symtab,expr}/
#  - BTF: the fixture blobs (fixtures/btf/), hand-built blobs of every kind, both byte orders
#    (fixtures/seeds/make_btf_seeds.py), clang -target bpf/bpfeb and gcc+pahole output of the
#    seed sources, a cut-down copy of this machine's vmlinux BTF when there is one
#  - ELF: the same objects as files, ELF32 and big-endian wrappers, split blobs on the fixed base
#  - memory images: page tables and kallsyms tables (fixtures/seeds/make_images.py); the walker's
#    synthetic kernel image and the ELF cores around it are made by fuzz.mk afterwards
#    (BUILDDIR/make_kimage, fixtures/seeds/make_elfcore.py)
set -euo pipefail
out=$1
seeds=$out/seeds
gen=$out/gen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$seeds"
for t in btf_raw btf_elf vmcoreinfo symtab kallsyms pgtable walker elfcore expr; do
	mkdir -p "$seeds/$t"
done
cp fixtures/seeds/vmcoreinfo/* "$seeds/vmcoreinfo/"
cp fixtures/seeds/symtab/* "$seeds/symtab/"
cp fixtures/seeds/expr/* "$seeds/expr/"
python3 fixtures/seeds/make_expr_seeds.py "$seeds/expr"
# VMCOREINFO texts and the head of /proc/kallsyms the end-to-end tests saved from real guests,
# when this machine has them.
cache=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
for f in "$cache"/dumps/*/vmcoreinfo*; do
	[ -f "$f" ] && cp "$f" "$seeds/vmcoreinfo/real-$(basename "$(dirname "$f")")-$(basename "$f")"
done
for f in "$cache"/dumps/*/kallsyms; do
	[ -f "$f" ] && head -c 16384 "$f" >"$seeds/symtab/real-$(basename "$(dirname "$f")")-kallsyms"
done

# Raw BTF.
python3 fixtures/seeds/make_btf_seeds.py "$seeds/btf_raw"
cp "$gen/kernel_types.btf" "$gen/split_base.btf" "$seeds/btf_raw/"
for f in fixtures/btf/*.btf; do
	[ -f "$f" ] && cp "$f" "$seeds/btf_raw/fixture-$(basename "$f")"
done
for src in fixtures/seeds/*.c; do
	name=$(basename "$src" .c)
	for target in bpf bpfeb; do
		clang -target "$target" -g -O2 -c "$src" -o "$tmp/$name.$target.o"
		llvm-objcopy --dump-section ".BTF=$seeds/btf_raw/$name.clang-$target.btf" \
			"$tmp/$name.$target.o"
		cp "$tmp/$name.$target.o" "$seeds/btf_elf/$name.clang-$target.o"
	done
	gcc -g -c "$src" -o "$tmp/$name.gcc.o"
	pahole -J "$tmp/$name.gcc.o"
	cp "$tmp/$name.gcc.o" "$seeds/btf_elf/$name.gcc-pahole.o"
done
if [ -r /sys/kernel/btf/vmlinux ]; then
	python3 fixtures/seeds/cut_btf.py /sys/kernel/btf/vmlinux 400 "$seeds/btf_raw/vmlinux-cut.btf" ||
		echo "make-seeds: could not cut /sys/kernel/btf/vmlinux; going on without it" >&2
fi

# ELF wrappers: the .BTF section in ELF32 and big-endian containers.
for fmt in elf32-i386 elf64-x86-64 elf32-powerpc elf64-powerpc; do
	blob=$seeds/btf_raw/every_kind.btf
	case $fmt in *powerpc) blob=$seeds/btf_raw/every_kind.be.btf ;; esac
	llvm-objcopy -I binary -O "$fmt" --rename-section .data=.BTF "$blob" \
		"$seeds/btf_elf/every_kind.$fmt.o"
done
# Split BTF on the fixed base the target loads (same gen/split_base.btf).
gcc -g -c fixtures/seeds/split_mod.c -o "$tmp/split_mod.o"
pahole --btf_base "$gen/split_base.btf" --btf_encode_detached="$seeds/btf_elf/split_mod.btf" \
	"$tmp/split_mod.o"
cp "$tmp/split_mod.o" "$tmp/split_mod.J.o"
pahole -J --btf_base "$gen/split_base.btf" "$tmp/split_mod.J.o"
cp "$tmp/split_mod.J.o" "$seeds/btf_elf/split_mod.gcc-pahole-split.o"
for f in fixtures/btf/*.elf; do
	[ -f "$f" ] && cp "$f" "$seeds/btf_elf/fixture-$(basename "$f")"
done
cp "$seeds/btf_raw/every_kind.btf" "$seeds/btf_elf/"

# Memory images.
python3 fixtures/seeds/make_images.py "$seeds/pgtable" "$seeds/kallsyms"
echo "seeds: $(find "$seeds" -type f | wc -l) files in $seeds"
