package io.drover.core;

/**
 * {@code --umask}'s value. umask(2) keeps only the low nine bits of what it is given, so
 * {@code -1} would silently become 0777 and {@code 01022} 022: anything but an octal number in
 * 0..0777 is refused before a node is started.
 */
public final class Umask {
    private Umask() {}

    /** The largest umask: every permission bit masked. */
    public static final int MAX = 0777;

    /**
     * @return the mask, 0..0777
     * @throws UsageException naming the value, for anything else (a sign, a digit 8 or 9, 01000)
     */
    public static int parse(String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new UsageException("--umask " + value + " is not an octal number from 0 to 0777 (e.g. 022)");
        }
        String digits = value.replaceFirst("^0+(?=.)", "");
        int mask = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits, 8);
        if (mask > MAX) {
            throw new UsageException("--umask " + value + " is out of range: a umask is 0 to 0777 (e.g. 022)");
        }
        return mask;
    }
}
