#!/usr/bin/env bash
# Fuzz the parsers and decoders that read outside input, with libFuzzer (Swift's -sanitize=fuzzer) and
# AddressSanitizer. Each target is built from its harness in Fuzz/Targets/ and the library sources it exercises,
# compiled into one module, then run for SECONDS (default 30) from its seed corpus in Fuzz/Corpus/TARGET.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]     targets: psv-reader sketchfab-link model-id jpeg-decoder png-decoder
#
# New inputs that libFuzzer finds go to .build-fuzz/corpus/TARGET (git-ignored), never into the committed seeds.
# A crash stops the script with the reproducer's path (crash-…); add it as a test, fix, and run again.
# Needs only the Swift toolchain (its clang and libFuzzer runtime) and the libjpeg and libpng headers.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(psv-reader sketchfab-link model-id jpeg-decoder png-decoder)

build=.build-fuzz
mkdir -p "$build"
swift_bin="$(dirname "$(command -v swiftc)")"
clang="$swift_bin/clang"
[ -x "$clang" ] || clang=clang

build_target() {
    local target="$1" output="$build/$1"
    local flags=(-O -g -parse-as-library -sanitize=fuzzer,address -module-name "Fuzz_${target//-/_}")
    case "$target" in
        psv-reader|sketchfab-link|model-id)
            swiftc "${flags[@]}" Sources/CatalogFiles/*.swift "Fuzz/Targets/$target.swift" -o "$output"
            ;;
        jpeg-decoder|png-decoder)
            "$clang" -O1 -g -fsanitize=fuzzer-no-link,address -ISources/CJPEGCodec/include \
                -c Sources/CJPEGCodec/jpeg_codec.c -o "$build/jpeg_codec.o"
            swiftc "${flags[@]}" -ISources/CJPEGCodec/include -ISources/CLibPNG \
                Sources/ImageCodecs/*.swift "Fuzz/Targets/$target.swift" "$build/jpeg_codec.o" -ljpeg -lpng16 -o "$output"
            ;;
        *) echo "unknown fuzz target: $target" >&2; exit 64 ;;
    esac
}

for target in "${targets[@]}"; do
    echo "== $target: building"
    # The sanitizer runtime makes the linker chatty; show its output only when the build fails.
    if ! build_target "$target" >"$build/$target.build.log" 2>&1; then
        cat "$build/$target.build.log" >&2
        exit 1
    fi
    rm -rf "$build/crashes/$target"
    mkdir -p "$build/corpus/$target" "$build/crashes/$target"
    echo "== $target: fuzzing for ${seconds}s"
    # Found inputs land in the first (writable) corpus folder; the committed seeds are only read.
    "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$target/" "$build/corpus/$target" "Fuzz/Corpus/$target" 2>&1 \
        | grep -E '^(Done [0-9]+ runs|INFO: Seed|==[0-9]+==ERROR|SUMMARY|stat::number_of_executed_units|stat::peak_rss_mb|artifact_prefix|Test unit written)' || true
    if compgen -G "$build/crashes/$target/*" >/dev/null; then
        echo "== $target: CRASH, reproducers:" >&2
        ls "$build/crashes/$target" >&2
        exit 1
    fi
    echo "== $target: no crash"
done
