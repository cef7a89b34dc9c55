package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's postinst (src/deb/control/postinst) run as dpkg runs it, as root, on a machine
 * where a drover user exists already, without installing anything: it runs in a private mount
 * namespace where /etc and /var/lib are overlays of this machine's (the users it makes and the
 * directories it makes land in the test's directory), /var/log, /run and /usr/lib/drover are
 * empty. DebPackageIT cannot say this: it refuses to run where a drover user exists.
 */
class DebPostinstIT {
    /** Prints the postinst's exit and what it left: /var/lib/drover's owner and mode, or "absent". */
    static final String SCENARIO = """
            set -e
            t=$1; postinst=$2; kind=$3
            for d in etc lib; do mkdir -p "$t/$d-upper" "$t/$d-work"; done
            mount -t overlay drover-etc -o lowerdir=/etc,upperdir="$t/etc-upper",workdir="$t/etc-work" /etc
            mount -t overlay drover-lib -o lowerdir=/var/lib,upperdir="$t/lib-upper",workdir="$t/lib-work" /var/lib
            mount -t tmpfs drover-log /var/log
            mount -t tmpfs drover-run /run
            if [ -d /usr/lib/drover ]; then mount -t tmpfs drover-usr /usr/lib/drover; fi
            case $kind in
                login) useradd --no-create-home --shell /bin/sh --user-group drover ;;
                system) useradd --system --no-create-home --shell /usr/sbin/nologin --user-group drover ;;
            esac
            for run in 1 2; do
                if sh "$postinst" configure >/dev/null; then rc=0; else rc=$?; fi
                echo "postinst=$rc"
                stat -c '%U %a' /var/lib/drover 2>/dev/null || echo absent
            done
            """;

    @TempDir
    Path tmp;

    private Sandbox.Result postinst(String existingUser) {
        assumeTrue(Sandbox.isRoot(), "the maintainer scripts run as root (CI runs the tests as root)");
        assumeTrue(Sandbox.program("unshare").isPresent() && Sandbox.program("adduser").isPresent(),
                "needs unshare and adduser (a Debian system)");
        Path script = Sandbox.dist().getParent().getParent().resolve("src/deb/control/postinst");
        return new Sandbox(tmp).run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", SCENARIO,
                "sh", tmp.toString(), script.toString(), existingUser), Map.of(), false, Duration.ofMinutes(2));
    }

    /**
     * A drover user that is someone's login (not a system user): the install fails, saying so,
     * and makes nothing for it: the units would otherwise run as that login, in directories
     * handed to it.
     */
    @Test
    void aLoginUserNamedDroverIsRefusedNotAdopted() {
        Sandbox.Result r = postinst("login");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.size() == 4, r::toString);
        assertNotEquals("postinst=0", lines.get(0), r::toString);
        assertEquals("absent", lines.get(1), r::toString);
        assertTrue(r.err().contains("not a system user"), r::toString);
    }

    /** A reinstall (the drover system user is there): postinst succeeds, twice, and makes its home its user's. */
    @Test
    void anExistingSystemUserIsKeptAndPostinstRunsTwice() {
        Sandbox.Result r = postinst("system");
        assertEquals(List.of("postinst=0", "drover 750", "postinst=0", "drover 750"), r.out().lines().toList(), r::toString);
    }
}
