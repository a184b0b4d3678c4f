# strata — build, test, demo. Out-of-tree objects under build/ (build-san/ for SANITIZE=1).
.DEFAULT_GOAL := all

PKGS      := libarchive zlib libdeflate libzstd jansson libcrypto sqlite3 libzip libcurl libfyaml libhs libbpf
DEB_BUILD := build-essential pkg-config libarchive-dev zlib1g-dev libdeflate-dev libzstd-dev libjansson-dev \
             libssl-dev libsqlite3-dev libcmocka-dev libzip-dev libcurl4-openssl-dev \
             libfyaml-dev libhyperscan-dev libbpf-dev bpftool clang
DEB_TEST  := rpm db-util python3-jsonschema zstd gzip curl ca-certificates tar \
             python3-packaging nodejs node-semver sqlite3 ruby php-cli php-composer-semver \
             python3-debian docker-registry skopeo apache2-utils openssl
DEB_FUZZ  := clang libclang-rt-14-dev

CC       ?= cc
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Isrc $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   := $(PKG_LIBS) -lm -lpthread

LIB_SRC  := $(sort $(wildcard src/core/*.c src/source/*.c src/image/*.c src/inventory/*.c \
                src/report/*.c src/version/*.c src/vulndb/*.c src/policy/*.c src/checks/*.c src/secrets/*.c \
                src/licenses/*.c src/netpol/*.c src/runtime/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

# eBPF sensor of `strata watch` (src/runtime/bpf/*.bpf.c): compiled with clang for the BPF
# target against a vmlinux.h dumped from the running kernel's BTF (CO-RE: the object relocates
# itself on other kernels at load time), then turned into libbpf skeletons in $(BUILD)/gen/.
# The BPF objects are never sanitized (SANITIZE=1 only instruments their userspace loaders).
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH    := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BPF_SRC     := $(sort $(wildcard src/runtime/bpf/*.bpf.c))
BPF_OBJ     := $(BPF_SRC:src/runtime/bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_SKEL    := $(BPF_SRC:src/runtime/bpf/%.bpf.c=$(BUILD)/gen/%.skel.h)
CFLAGS      += -I$(BUILD)/gen
FUZZ_CFLAGS_BPF := -I$(BUILD)/gen
.SECONDARY: $(BPF_OBJ)

$(BUILD)/gen/vmlinux.h:
	@mkdir -p $(@D)
	@if [ ! -r "$(VMLINUX_BTF)" ]; then \
	  echo "error: $(VMLINUX_BTF) is missing or unreadable: this kernel has no BTF (needs CONFIG_DEBUG_INFO_BTF=y)," \
	       "which the eBPF sensor of 'strata watch' is compiled against; set VMLINUX_BTF=FILE to another kernel's BTF" >&2; \
	  exit 1; fi
	@command -v bpftool >/dev/null || { echo "error: bpftool not found (Debian package bpftool; run 'make deps')" >&2; exit 1; }
	bpftool btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: src/runtime/bpf/%.bpf.c $(wildcard src/runtime/bpf/*.h) $(BUILD)/gen/vmlinux.h
	@mkdir -p $(@D)
	clang -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -g -O2 -Wall -Werror -I$(BUILD)/gen -Isrc/runtime/bpf \
	  -c -o $@ $<

$(BUILD)/gen/%.skel.h: $(BUILD)/bpf/%.bpf.o
	@mkdir -p $(@D)
	bpftool gen skeleton $< name strata_$(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# The loaders include the skeletons: they are built first (also for the fuzz objects).
BPF_USERS := $(filter $(BUILD)/src/runtime/sensor% $(BUILD)/src/runtime/actions%,$(LIB_OBJ))
$(BPF_USERS) $(BPF_USERS:$(BUILD)/%=$(BUILD)/fuzzobj/%): $(BPF_SKEL)

.PHONY: all deps deps-fuzz test unit e2e demo fuzz format clean bench
all: $(BUILD)/strata

# Installs only what is missing, so it is quick when everything is there.
deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_TEST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/libstrata.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/strata: $(CLI_OBJ) $(BUILD)/libstrata.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libstrata.a $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstrata.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(BUILD)/libstrata.a \
	  $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

test: deps
	$(MAKE) --no-print-directory $(BUILD)/strata $(UNIT_BIN)
	BUILD=$(BUILD) tests/run-tests.sh

demo: deps
	$(MAKE) --no-print-directory $(BUILD)/strata
	tests/demo.sh $(BUILD)/strata

# libFuzzer targets: one per parser. FUZZ_SECONDS=N runs each for N seconds on its corpus.
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc $(FUZZ_CFLAGS_BPF) $(PKG_CFLAGS) \
               -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzzobj/%.o)
# pattern-built prerequisites are intermediate to make: keep them, or every fuzz target
# rebuilds the whole library
.SECONDARY: $(FUZZ_OBJ)
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lpthread

deps-fuzz:
	@missing=""; for p in $(DEB_FUZZ); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

fuzz: deps deps-fuzz
	$(MAKE) --no-print-directory $(FUZZ_BIN)
	tests/fuzz/run-fuzz.sh $(BUILD)

bench: $(BUILD)/strata
	bench/scan-image.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
