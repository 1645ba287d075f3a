package org.jamesspf.james;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * A minimal {@link SMTPSession} for unit tests of the hook's parts (the real session is tested
 * through James in the ITs): client address, HELO, attachments, hello name. Other methods throw.
 */
final class FakeSessions {
    private FakeSessions() {
    }

    static SMTPSession session(String clientIp, String helo) {
        Map<ProtocolSession.AttachmentKey<?>, Object> attachments = new HashMap<>();
        attachments.put(SMTPSession.CURRENT_HELO_NAME, helo);
        SMTPConfiguration configuration = (SMTPConfiguration) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(),
            new Class<?>[] {SMTPConfiguration.class}, (proxy, method, args) -> {
                if (method.getName().equals("getHelloName")) {
                    return "mx.receiver.test";
                }
                throw new UnsupportedOperationException(method.getName());
            });
        return (SMTPSession) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getRemoteAddress":
                        return new InetSocketAddress(java.net.InetAddress.getByName(clientIp), 25);
                    case "getAttachment":
                        return Optional.ofNullable(attachments.get(args[0]));
                    case "removeAttachment":
                        return Optional.ofNullable(attachments.remove(args[0]));
                    case "setAttachment":
                        return Optional.ofNullable(attachments.put((ProtocolSession.AttachmentKey<?>) args[0], args[1]));
                    case "getConfiguration":
                        return configuration;
                    case "getUsername":
                        return null;
                    case "isRelayingAllowed":
                        return false;
                    case "getSessionID":
                        return "fake";
                    case "toString":
                        return "FakeSession[" + clientIp + "]";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
    }
}
