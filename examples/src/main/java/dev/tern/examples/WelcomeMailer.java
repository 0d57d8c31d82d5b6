package dev.tern.examples;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** The application code under test: sends a welcome mail over SMTP with Angus Mail (jakarta.mail). */
public final class WelcomeMailer {
    private final Session session;

    public WelcomeMailer(String smtpHost, int smtpPort) {
        Properties props = new Properties();
        props.put("mail.smtp.host", smtpHost);
        props.put("mail.smtp.port", Integer.toString(smtpPort));
        this.session = Session.getInstance(props);
    }

    public void welcome(String address, String name) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@shop.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(address));
        message.setSubject("Welcome, " + name);
        message.setText("Hello " + name + ", your account is ready.", "UTF-8");
        Transport.send(message);
    }
}
