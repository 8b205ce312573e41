# racelab - `make` builds build/race and build/racestat.
# make deps | test | bench | report | clean   (README.md explains each)

ifeq ($(origin CC),default)
CC      := gcc
endif
CSTD    := -std=c17
WARN    := -Wall -Wextra -Wpedantic -Werror
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS)
# bind every symbol at start: otherwise each forked worker resolves the
# libc functions only it calls (prctl, getppid, ...) again, in every trial
LDLIBS_RACE := -pthread -Wl,-z,now
GSL_CFLAGS := $(shell pkg-config --cflags gsl 2>/dev/null || gsl-config --cflags 2>/dev/null)
GSL_LIBS   := $(shell pkg-config --libs gsl 2>/dev/null || gsl-config --libs 2>/dev/null)
PYTHON  := /usr/bin/python3
# make test SANITIZE=1: everything built with ASan + UBSan into build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
B       := build/san
CFLAGS  += $(SAN_FLAGS)
else
B       := build
endif

RACE_SRC := $(wildcard harness/*.c harness/strategies/*.c)
# race shares racestat's intervals (analysis/interval.c, for --until), with
# GSL linked statically: no more shared libraries for every fork to map
RACE_OBJ := $(RACE_SRC:%.c=$(B)/%.o) $(B)/analysis/interval.o
GSL_STATIC := -Wl,-Bstatic $(filter-out -lm,$(GSL_LIBS)) -Wl,-Bdynamic -lm
STAT_SRC := $(wildcard analysis/*.c)
# racestat shares race's careful file handling (harness/fsx.c)
STAT_OBJ := $(STAT_SRC:%.c=$(B)/%.o) $(B)/harness/fsx.o
UNIT_TESTS := $(B)/tests/stats_test $(B)/tests/harness_test $(B)/tests/covgen
FUZZ_TARGETS := count settings csv
REPLAY     := $(FUZZ_TARGETS:%=$(B)/fuzz/replay_%)
BENCH_BIN := $(B)/bench/forkloop $(B)/bench/floorloop $(B)/bench/loop $(B)/bench/measure $(B)/bench/gencsv

# Debian packages: build, analysis, report, tests
DEB_PKGS := gcc make pkg-config libgsl-dev libhwloc-dev zlib1g-dev libzstd-dev gnuplot-nox python3-matplotlib \
	poppler-utils binutils perl procps util-linux git datamash zstd tmux pandoc \
	$(if $(filter amd64 arm64,$(shell dpkg --print-architecture 2>/dev/null)),libisal-dev)

.PHONY: all deps deps-cluster deps-browser slurm-sweep test bench bench-large reproduce clean report report-files fuzz FORCE
.SECONDEXPANSION:
all: $(B)/race $(B)/racestat

$(B)/race: $(RACE_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(GSL_STATIC) $(LDLIBS_RACE)

# compressed input: zlib and libzstd; gzip through ISA-L's inflate where
# the machine has it (libisal-dev: amd64 and arm64), several times zlib's speed
Z_CFLAGS := $(shell pkg-config --cflags zlib libzstd 2>/dev/null)
Z_LIBS   := $(shell pkg-config --libs zlib libzstd 2>/dev/null || echo -lz -lzstd)
ifeq ($(shell pkg-config --exists libisal 2>/dev/null && echo yes),yes)
Z_CFLAGS += -DRL_ISAL $(shell pkg-config --cflags libisal)
Z_LIBS   += $(shell pkg-config --libs libisal)
endif
$(B)/racestat: $(STAT_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(GSL_LIBS) $(Z_LIBS) -lm

# hwloc's header only: race loads the library itself (dlopen) while planning
HWLOC_CFLAGS := $(shell pkg-config --cflags hwloc 2>/dev/null)
$(B)/harness/%.o: harness/%.c | $(B)/version.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HWLOC_CFLAGS) -I$(B) -MMD -MP -c -o $@ $<

$(B)/analysis/%.o: analysis/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GSL_CFLAGS) $(Z_CFLAGS) -Iharness -MMD -MP -c -o $@ $<

# version.h records the commit and flags in the binary (and so in every .meta);
# rewritten only when it changes, so a rebuild happens only then.
$(B)/version.h: FORCE
	@mkdir -p $(B)
	@{ c=$$(git rev-parse --verify -q HEAD 2>/dev/null || echo unknown); \
	   d=$$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo yes || echo no); \
	   echo "#define RACELAB_COMMIT \"$$c\""; \
	   echo "#define RACELAB_DIRTY \"$$d\""; \
	   echo "#define RACELAB_CC \"$(CC)\""; \
	   echo "#define RACELAB_CFLAGS \"$(subst ",,$(ALL_CFLAGS))\""; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

-include $(RACE_OBJ:.o=.d) $(STAT_OBJ:.o=.d)

# Install what is missing as root; otherwise print the exact apt-get line.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y --no-install-recommends $$missing || \
	  { apt-get update && apt-get install -y --no-install-recommends $$missing; }; \
	else echo "deps: missing packages; run:"; \
	  echo "  sudo apt-get install -y $$(echo $$missing)"; exit 1; fi

# The heavier real components only some tests need, each its own target
# (CI runs them; make deps does not): a Slurm cluster (tests/50-slurm.t) and
# a browser (tests/60-browser.t). Their tests skip, saying why, without them.
CLUSTER_PKGS := slurmctld slurmd slurm-client munge
BROWSER_PKGS := chromium fonts-dejavu-core
deps-cluster:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(CLUSTER_PKGS)"
deps-browser:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BROWSER_PKGS)"

# the SIGKILL loop runs 200 times per case; 50 under the sanitizers, whose
# job there is to catch memory errors, not to repeat the count
FAULT_RUNS := $(if $(filter 1,$(SANITIZE)),50,200)
test: all $(UNIT_TESTS) $(REPLAY) $(B)/bench/gencsv
	RACELAB_BUILD=$(B) RACELAB_FAULT_RUNS=$(FAULT_RUNS) prove -e bash tests/

bench: all $(BENCH_BIN)
	@tests/bench/run

# racestat linear to 10^8 rows, made into a pipe as they are read (about
# a minute and 4 GB of memory)
bench-large: all $(BENCH_BIN)
	@ONLY=4b SIZES="2000000 20000000 100000000" tests/bench/run

clean:
	rm -rf $(B) report/out results/*.csv results/*.csv.meta results/*.csv.trace.csv results/*.part* \
		$(patsubst experiments/%.conf,results/%,$(wildcard experiments/*.conf)) results/reproduce

# C unit tests (TAP), run by tests/*.t wrappers
$(B)/tests/stats_test: tests/unit/stats_test.c $(filter-out $(B)/analysis/main.o,$(STAT_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GSL_CFLAGS) -Iharness -o $@ $^ $(GSL_LIBS) $(Z_LIBS) -lm
$(B)/tests/covgen: tests/unit/covgen.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(GSL_CFLAGS) -o $@ $< $(GSL_LIBS) -lm
$(B)/tests/harness_test: tests/unit/harness_test.c $(filter-out $(B)/harness/main.o,$(RACE_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iharness -I$(B) -o $@ $^ $(GSL_STATIC) $(LDLIBS_RACE)

$(B)/bench/loop: tests/bench/loop.c $(filter $(B)/harness/strategies%,$(RACE_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iharness -o $@ $^ $(LDLIBS_RACE)
# the floor is linked as race is, so both pay the same for binding symbols
$(B)/bench/forkloop $(B)/bench/floorloop: $(B)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS_RACE)
$(B)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

# ------------------------------------------------------------------ slurm --
# make slurm-sweep EXPERIMENT=experiments/x.conf SHARDS=8 THROTTLE=4: the
# sweep as a Slurm job array (one shard a task) and its merge after it
# (experiments/slurm/, README "On a cluster"); prints the job ids.
SHARDS ?= 8
THROTTLE ?= 4
slurm-sweep: export RACELAB_EXPERIMENT = $(EXPERIMENT)
slurm-sweep: all
	@experiments/slurm/submit "$$RACELAB_EXPERIMENT" $(SHARDS) $(THROTTLE)

# ---------------------------------------------------------------- reproduce --
# make reproduce BASE=path/to/published.csv (its .meta beside it): the same
# sweep run here (race --like), compared cell by cell (racestat --compare),
# and report/out/reproduce/report.html. BASE reaches the commands as an
# environment variable, never as command text.
REPRO_DIR ?= results
REPRO_OUT ?= report/out/reproduce
reproduce: all
	@[ -n "$$BASE" ] || { echo "usage: make reproduce BASE=path/to/published.csv"; exit 2; }
	@mkdir -p $(REPRO_DIR)
	@$(B)/race --like "$$BASE" -o $(REPRO_DIR)/reproduce.csv; rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@$(B)/racestat --compare "$$BASE" $(REPRO_DIR)/reproduce.csv -o $(REPRO_DIR)/reproduce
	@MPLBACKEND=Agg $(PYTHON) report/racereport.py --reproduce $(REPRO_DIR)/reproduce --base "$$BASE" \
		--new $(REPRO_DIR)/reproduce.csv --out $(REPRO_OUT)

# ------------------------------------------------------------------ report --
# make report [EXPERIMENT=experiments/other.conf]
# results/NAME.csv is rerun only when missing or older than the harness's
# sources or the experiment file; the report then takes seconds.
EXPERIMENT ?= experiments/default.conf
EXP_NAME   := $(basename $(notdir $(EXPERIMENT)))
REPORT_OUT := $(if $(filter default,$(EXP_NAME)),report/out,report/out/$(EXP_NAME))
RESULT     := results/$(EXP_NAME).csv
STATS      := results/$(EXP_NAME)
SHM_RESULT := results/drill3-shm.csv
TRACE_RESULT := results/trace.csv
HARNESS_SRC := $(wildcard harness/*.c harness/*.h harness/strategies/*.c)

report: deps
	@$(MAKE) --no-print-directory report-files

report-files: $(REPORT_OUT)/report.html
	@echo "report: $(REPORT_OUT)/report.html and $(REPORT_OUT)/slides.pdf"

# race exits 1 when a guarantee was violated: the report shows that, so it goes
# on. Written under .part first, so an interrupted run is never taken as done.
define run_race
	@mkdir -p results
	$(B)/race $< -o $@.part || [ $$? -eq 1 ]
	@[ ! -e $@.part.trace.csv ] || mv $@.part.trace.csv $@.trace.csv
	@mv $@.part.meta $@.meta && mv $@.part $@
endef
results/%.csv: experiments/%.conf $(HARNESS_SRC) | $(B)/race
	$(run_race)
# full.conf includes the others: it is out of date when any of them changes
results/full.csv: $(wildcard experiments/*.conf)
ifneq ($(EXPERIMENT),experiments/$(EXP_NAME).conf)
$(RESULT): $(EXPERIMENT) $(HARNESS_SRC) | $(B)/race
	$(run_race)
endif

$(STATS)/summary.csv: $(RESULT) $(B)/racestat
	@mkdir -p $(STATS)
	$(B)/racestat -q $(RESULT) -o $(STATS) || [ $$? -eq 1 ]

$(REPORT_OUT)/report.html: $(STATS)/summary.csv $(SHM_RESULT) $(TRACE_RESULT) $(wildcard report/*.py report/fig/*.gp)
	MPLBACKEND=Agg $(PYTHON) report/racereport.py --trials $(RESULT) --stats $(STATS) \
		--experiment $(EXPERIMENT) --shm $(SHM_RESULT) --trace $(TRACE_RESULT) --out $(REPORT_OUT)

# ------------------------------------------------------------------ fuzzing --
# libFuzzer targets (clang) for the count parser, the experiment-file parser
# and racestat's CSV reader. `make test` replays every corpus (and every crash
# saved there) under gcc's ASan + UBSan with tests/fuzz/replay.c.
FUZZ_SRC_count    := harness/count.c
FUZZ_SRC_settings := harness/count.c harness/settings.c harness/region.c harness/fsx.c harness/guard.c harness/strategies.c analysis/interval.c \
	$(wildcard harness/strategies/*.c)
FUZZ_SRC_csv      := $(filter-out analysis/main.c,$(wildcard analysis/*.c)) harness/fsx.c
FUZZ_SECONDS ?= 60

$(B)/fuzz/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN_FLAGS) -Iharness -Ianalysis $(GSL_CFLAGS) $(Z_CFLAGS) -o $@ $^ \
		$(GSL_LIBS) $(Z_LIBS) -lm -pthread

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*)
	@mkdir -p $(dir $@)
	clang -std=c17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iharness -Ianalysis $(GSL_CFLAGS) $(Z_CFLAGS) \
		-o $@ $^ $(GSL_LIBS) $(Z_LIBS) -lm -pthread

fuzz:
	@command -v clang >/dev/null && [ -n "$$(find /usr/lib -name 'libclang_rt.fuzzer*.a' 2>/dev/null | head -1)" ] || \
	  { echo "fuzz: needs clang and libFuzzer; run: sudo apt-get install -y clang libclang-rt-14-dev"; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(B)/fuzz/corpus-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  $(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=tests/fuzz/corpus/$$t/crash- $(B)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
	    2>&1 | grep -E '^(#[0-9]+.*DONE|Done|==[0-9]+==ERROR|SUMMARY)' || exit 1; \
	done
