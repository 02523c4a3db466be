package io.jgrad.codegen;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

import java.io.PrintWriter;
import java.io.StringWriter;

/** javap-like text of one generated method, for assertions on the code's shape. */
final class Disassembly {
    private Disassembly() {}

    static String of(byte[] bytes, String method) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        StringWriter sw = new StringWriter();
        for (MethodNode m : cn.methods) {
            if (!m.name.equals(method)) continue;
            Textifier t = new Textifier();
            m.accept(new TraceMethodVisitor(t));
            t.print(new PrintWriter(sw));
        }
        return sw.toString();
    }
}
