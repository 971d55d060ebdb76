# Sourced by scripts/demo.sh. `build_progress` reads `swift build` output on stdin and prints a short progress line
# whenever the build crosses another tenth of its steps ("[123/431] Compiling …" lines), plus every error and
# warning line and the final "Build complete!", so a four-minute build is not four minutes of silence.
build_progress() {
    awk -v start="$(date +%s)" '
        function now(   t) { "date +%s" | getline t; close("date +%s"); return t }
        /^\[[0-9]+\/[0-9]+\]/ {
            split(substr($1, 2, length($1) - 2), n, "/")
            done = n[1] + 0; total = n[2] + 0
            if (total > 0) {
                tenth = int(done * 10 / total)
                if (tenth > shown) {
                    shown = tenth
                    printf("   building: %d/%d steps (%d%%), %ds\n", done, total, int(done * 100 / total), now() - start)
                    fflush()
                }
            }
            next
        }
        /error:|warning: unre|Build complete|Compiling orch/ { print "   " $0; fflush() }
    '
}
