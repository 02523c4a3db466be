package io.jgrad.bench.adbench;

/** Argument checks shared by the input records: each names what was wrong. */
final class Check {
    private Check() {}

    static void positive(String what, long value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be positive, got " + value);
    }

    static void length(String what, double[] array, long expected) {
        if (array == null) throw new IllegalArgumentException(what + " is null");
        if (array.length != expected) throw new IllegalArgumentException(what + " has length " + array.length + ", expected " + expected);
    }

    static void finite(String what, double[] array) {
        for (int i = 0; i < array.length; i++) {
            if (!Double.isFinite(array[i])) throw new IllegalArgumentException(what + "[" + i + "] is " + array[i] + ", not a finite number");
        }
    }
}
