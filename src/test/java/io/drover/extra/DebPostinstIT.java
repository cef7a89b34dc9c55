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
 * namespace where /etc, /var/lib and /usr/lib are overlays of this machine's (the users and
 * directories it makes land in the test's directory; /usr/lib has no drover in it), /var/log and
 * /run are empty. DebPackageIT cannot say this: it refuses to run where a drover user exists, and
 * runs under no systemd.
 */
class DebPostinstIT {
    /** Prints the postinst's exit and what it left: /var/lib/drover's owner and mode, or "absent". */
    static final String SCENARIO = """
            set -e
            t=$1; postinst=$2; kind=$3
            for d in etc lib usr; do mkdir -p "$t/$d-upper" "$t/$d-work"; done
            mount -t overlay drover-etc -o lowerdir=/etc,upperdir="$t/etc-upper",workdir="$t/etc-work" /etc
            mount -t overlay drover-lib -o lowerdir=/var/lib,upperdir="$t/lib-upper",workdir="$t/lib-work" /var/lib
            mount -t tmpfs drover-log /var/log
            mount -t tmpfs drover-run /run
            mount -t overlay drover-usr -o lowerdir=/usr/lib,upperdir="$t/usr-upper",workdir="$t/usr-work" /usr/lib
            rm -rf /usr/lib/drover
            # what dpkg unpacked before postinst runs: the init scripts it registers
            cp "$(dirname "$postinst")/../../../extra/generic-init.d/droverd" \\
                "$(dirname "$postinst")/../../../extra/generic-init.d/droverbeat" /etc/init.d/
            case $kind in
                login) useradd --no-create-home --shell /bin/sh --user-group drover ;;
                system) useradd --system --no-create-home --shell /usr/sbin/nologin --user-group drover ;;
                purge)
                    # the package's init scripts in place, the admin enabled droverd on a machine
                    # without systemd; dpkg removed the init scripts, then runs postrm purge
                    useradd --system --no-create-home --shell /usr/sbin/nologin --user-group drover
                    sh "$postinst" configure >/dev/null 2>&1
                    ls /etc/rc2.d | grep drover || echo "no rc links"
                    update-rc.d droverd enable >/dev/null 2>&1
                    ls /etc/rc2.d | grep droverd
                    rm /etc/init.d/droverd /etc/init.d/droverbeat
                    if sh "$(dirname "$postinst")/postrm" purge; then echo "postrm=0"; else echo "postrm=$?"; fi
                    ls /etc/rc2.d | grep droverd || echo "no rc links"
                    exit 0
                    ;;
                upgrade)
                    # an upgrade under systemd: what postinst runs, in its order, is written to $t/order
                    useradd --system --no-create-home --shell /usr/sbin/nologin --user-group drover
                    mkdir -p /run/systemd/system /usr/lib/drover/bin "$t/stub"
                    printf '#!/bin/sh\necho "systemctl $*" >> "%s/order"\n' "$t" > "$t/stub/systemctl"
                    printf '#!/bin/sh\necho drover-cds >> "%s/order"\n' "$t" > /usr/lib/drover/bin/drover-cds
                    chmod 755 "$t/stub/systemctl" /usr/lib/drover/bin/drover-cds
                    PATH=$t/stub:$PATH sh "$postinst" configure 0.0.9
                    cat "$t/order"
                    exit 0
                    ;;
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

    /**
     * An upgrade replaced the jars, and prerm removed the class-data archives made for the old
     * ones: the new archives are built before the running units restart onto the new jars, or
     * those nodes start without any (slower, and each says so in the journal) and stay so until
     * their next restart. Here systemctl and drover-cds only say they ran.
     */
    @Test
    void anUpgradeBuildsTheArchivesBeforeItRestartsTheUnits() {
        Sandbox.Result r = postinst("upgrade");
        List<String> order = r.out().lines().toList();
        assertEquals("drover-cds", order.stream().filter(l -> l.equals("drover-cds") || l.startsWith("systemctl try-restart"))
                .findFirst().orElse(""), r::toString);
        assertTrue(order.stream().anyMatch(l -> l.startsWith("systemctl try-restart")), r::toString);
    }

    /**
     * The init scripts are registered disabled (no S link: nothing starts at boot); dpkg -P after
     * the admin enabled one (update-rc.d droverd enable): postrm removes the links in /etc/rc?.d
     * as debhelper's packages do, or every boot runs a link to a script that is gone (and insserv
     * warns of it at every other package's install).
     */
    @Test
    void aPurgeRemovesTheInitScriptsLinks() {
        Sandbox.Result r = postinst("purge");
        List<String> lines = r.out().lines().toList();
        // installed disabled: K links only, so nothing starts at boot
        assertEquals(List.of("K01droverbeat", "K01droverd"), lines.subList(0, 2), r::toString);
        assertTrue(lines.size() == 5 && lines.get(2).matches("S\\d\\ddroverd"), r::toString);
        assertEquals(List.of("postrm=0", "no rc links"), lines.subList(3, 5), r::toString);
    }

    /** A reinstall (the drover system user is there): postinst succeeds, twice, and makes its home its user's. */
    @Test
    void anExistingSystemUserIsKeptAndPostinstRunsTwice() {
        Sandbox.Result r = postinst("system");
        assertEquals(List.of("postinst=0", "drover 750", "postinst=0", "drover 750"), r.out().lines().toList(), r::toString);
    }
}
