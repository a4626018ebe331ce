package org.sparkprop.ml;

/**
 * A Java class that extends Spark ML's Scala classes cannot set its uid before their constructors run, and those
 * constructors make Params whose parent is the uid. The uid waits here, for the thread that constructs, from the
 * argument of {@code this(...)} (evaluated before the superclass constructor) until the constructor has stored it.
 */
final class Uids {
    private static final ThreadLocal<String> CONSTRUCTING = new ThreadLocal<>();

    private Uids() {
    }

    /** Marks {@code uid} as the one under construction; returns it. */
    static String constructing(String uid) {
        CONSTRUCTING.set(uid);
        return uid;
    }

    /** The uid under construction on this thread. */
    static String current() {
        return CONSTRUCTING.get();
    }

    static void done() {
        CONSTRUCTING.remove();
    }
}
