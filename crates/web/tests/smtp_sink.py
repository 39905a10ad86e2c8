"""A real SMTP server for the tests (aiosmtpd):
python3 smtp_sink.py PORT OUT MODE [CERT KEY].

Every message it receives is appended to OUT as one JSON line (envelope
sender, recipients, the raw message). MODE is `accept` (250), `refuse`
(550, permanent), `busy` (451, try again later), `starttls` (accepts, and
requires STARTTLS with the certificate CERT and key KEY) or `tls` (accepts,
TLS from the first byte). Prints `ready` once it listens.
"""

import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, mode):
        self.out = out
        self.mode = mode

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "refuse":
            return "550 5.7.1 Recipient refused by the test server"
        if self.mode == "busy":
            return "451 4.3.0 Try again later"
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(
                json.dumps(
                    {
                        "from": envelope.mail_from,
                        "to": envelope.rcpt_tos,
                        "data": envelope.content.decode("utf-8", "replace"),
                    }
                )
                + "\n"
            )
        return "250 2.0.0 Queued by the test server"


def main():
    port, out, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    options = {}
    if mode in ("starttls", "tls"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        if mode == "starttls":
            options = {"tls_context": context, "require_starttls": True}
        else:
            options = {"ssl_context": context}
    controller = Controller(
        Sink(out, "accept" if mode in ("starttls", "tls") else mode),
        hostname="127.0.0.1",
        port=port,
        **options,
    )
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
