package io.jnetstack.cli;

/** Entry point of the jnetstack command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("jnetstack");
    }
}
