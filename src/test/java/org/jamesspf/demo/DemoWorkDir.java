package org.jamesspf.demo;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Lays out a James working directory from the project's own configuration: james-conf/
 * smtpserver.xml with the few changes a loopback demo needs (listen on 127.0.0.1:PORT, check
 * loopback clients, no user database needed, SPF lookups to the demo DNS server), plus the
 * demo's other conf files from examples/demo/conf/.
 */
public final class DemoWorkDir {
    private DemoWorkDir() {
    }

    /** The project directory (where pom.xml is), found from the current directory. */
    public static Path projectDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("james-conf/smtpserver.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("james-conf/smtpserver.xml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Writes {@code workDir/conf/}: the demo conf files and the patched smtpserver.xml.
     * {@code smtpPort} 0 lets the OS choose; {@code extraHandlerXml} is appended inside the SPF handler.
     * {@code webAdminPort}: WebAdmin's port (0: the OS chooses).
     */
    public static void write(Path workDir, int smtpPort, int webAdminPort, String dnsServer, String extraHandlerXml) throws Exception {
        Path project = projectDir();
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        try (Stream<Path> files = Files.list(project.resolve("examples/demo/conf"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, conf.resolve(file.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path webadmin = conf.resolve("webadmin.properties");
        String properties = Files.readString(webadmin);
        if (!properties.contains("\nport=8000\n")) {
            throw new IllegalStateException(webadmin + " has no port=8000 line");
        }
        Files.writeString(webadmin, properties.replace("\nport=8000\n", "\nport=" + webAdminPort + "\n"));
        Files.writeString(conf.resolve("smtpserver.xml"),
            patchSmtpServer(Files.readString(project.resolve("james-conf/smtpserver.xml")), smtpPort, dnsServer, extraHandlerXml));
    }

    static String patchSmtpServer(String xml, int smtpPort, String dnsServer, String extraHandlerXml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document doc = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element server = (Element) doc.getElementsByTagName("smtpserver").item(0);
        text(server, "bind", "127.0.0.1:" + smtpPort);
        // loopback clients must not count as relaying-allowed, or the demo would skip every check
        text(server, "authorizedAddresses", "192.0.2.255/32");
        Element hello = child(server, "helloName");
        hello.setAttribute("autodetect", "false");
        hello.setTextContent("mx.receiver.demo");
        // the demo has no user database: accept any recipient at the local domain
        NodeList handlers = server.getElementsByTagName("handler");
        Element spf = null;
        for (int i = handlers.getLength() - 1; i >= 0; i--) {
            Element h = (Element) handlers.item(i);
            if (h.getAttribute("class").endsWith("ValidRcptHandler")) {
                h.getParentNode().removeChild(h);
            } else if (h.getAttribute("class").equals("org.jamesspf.james.SpfHook")) {
                spf = h;
            }
        }
        if (spf == null) {
            throw new IllegalStateException("james-conf/smtpserver.xml has no SpfHook handler");
        }
        Element servers = child(child(spf, "dns"), "servers");
        Element entry = doc.createElement("server");
        entry.setTextContent(dnsServer);
        servers.appendChild(entry);
        if (!extraHandlerXml.isEmpty()) {
            Document extra = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                ("<x>" + extraHandlerXml + "</x>").getBytes(StandardCharsets.UTF_8)));
            NodeList nodes = extra.getDocumentElement().getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                Node node = nodes.item(i);
                if (node instanceof Element) {
                    // an element the handler already has (e.g. <actions>) is replaced
                    for (Node n = spf.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n instanceof Element && n.getNodeName().equals(node.getNodeName())) {
                            spf.removeChild(n);
                            break;
                        }
                    }
                }
                spf.appendChild(doc.importNode(node, true));
            }
        }
        StringWriter out = new StringWriter();
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.transform(new DOMSource(doc), new StreamResult(out));
        return out.toString();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNodeName().equals(name)) {
                return (Element) n;
            }
        }
        throw new IllegalStateException("no <" + name + "> in <" + parent.getNodeName() + ">");
    }

    private static void text(Element parent, String name, String value) {
        child(parent, name).setTextContent(value);
    }

    /** The demo zone file. */
    public static Path zoneFile() {
        return projectDir().resolve("examples/demo/demo.zone");
    }
}
