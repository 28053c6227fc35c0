# The two commands a new user needs:  make run  and  make test.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=
ARGS ?=

.PHONY: run test build deps test-asan fuzz bench format clean package

run: build
	./$(BUILD)/townhall serve $(ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

deps:
	@scripts/install-deps

# The Debian package (packaging/; docs/deploy.md): $(BUILD)/townhall_<version>_<arch>.deb.
package: build
	cd $(BUILD) && cpack

# Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer, in a second build tree.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTOWNHALL_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target unit_tests
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) -L unit

# libFuzzer targets (clang), in their own build tree; see fuzz/README.md.
# Only the targets: the network layers need GCC's coroutines with Boost 1.74.
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOWNHALL_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target codec_fuzz expression_fuzz partiql_fuzz

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
