#!/usr/bin/env python3
"""Grapevine protocol v1 conformance checker.

Checks every file of Protocol/vectors/ using only what Protocol/PROTOCOL.md says: PyNaCl for
Ed25519 key derivation and signing, hashlib for BLAKE2b, and a protobuf reader written here from
the spec (section 1.4), not the protobuf package, so the spec is shown to stand on its own.

Usage: check_vectors.py VECTORS_DIR   (exit status 1 if any check fails)
"""

import hashlib
import ipaddress
import json
import os
import sys

import nacl.bindings
import nacl.exceptions
import nacl.signing

# ---------------------------------------------------------------------------------------------
# Constants (PROTOCOL.md sections 1.3, 2, 3.3, 5.3 and 6.1)

ENTRY_DOMAIN = b"grapevine/entry/v1\x00"
NEARBY_DOMAIN = b"grapevine/nearby/v1\x00"
ID_DOMAIN = b"grapevine/id/v1\x00"
FINGERPRINT_DOMAIN = b"grapevine/fingerprint/v1\x00"
TEXT_PREFIX = "gv1"
TEXT_LENGTH = 61
BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

MAX_ENTRY_SIZE = 1100
MAX_BODY_SIZE = 1000
MAX_UNKNOWN_KEY_LENGTH = 64
MAX_VALUE_LENGTH = 256
MAX_NOTE_LENGTH = 700
MAX_LIST_LENGTH = 8
MAX_TOKEN_LENGTH = 32
MAX_ADDRESSES = 8
MAX_INTRODUCTION_NOTE_LENGTH = 280
MAX_DEPTH = 100
# Address origins (section 5.4); 0 is "unsaid".
ORIGINS = {0: None, 1: "interface", 2: "observed", 3: "forwarded", 4: "relay"}
RELAY_ORIGIN = 4

# name -> (vCard property, multi-valued)
CARD_FIELDS = {
    "fn": ("FN", False), "n": ("N", False), "org": ("ORG", False), "title": ("TITLE", False),
    "role": ("ROLE", False), "note": ("NOTE", False), "locality": ("ADR", False),
    "email": ("EMAIL", True), "tel": ("TEL", True), "url": ("URL", True),
    "impp": ("IMPP", True), "categories": ("CATEGORIES", True),
}

KIND_NAMES = {1: "card", 2: "endpoint", 3: "edge", 4: "introduction", 5: "introduction-response",
              6: "grant", 7: "introduction-request", 8: "device-record"}

# Private card fields (PROTOCOL.md section 5.9)
SEALED_FIELD_DOMAIN = b"grapevine/sealed-field/v1\x00"
CARD_KEY_ID_DOMAIN = b"grapevine/card-key-id/v1\x00"
CARD_KEY_ID_LENGTH = 16
SEALED_NONCE_LENGTH = 24
AEAD_TAG_LENGTH = 16
SEAL_BUCKETS = (64, 128, 256, 512, 768)
SEALED_KEY_LENGTH = 32 + 48

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

SMALL_ORDER_BLOCKLIST = [bytes.fromhex(h) for h in (
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
)]


class Reject(Exception):
    """An entry rejected with a PROTOCOL.md reason code."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class Mismatch(Exception):
    """A vector whose stated value differs from what the spec computes."""


def blake2b256(*parts):
    h = hashlib.blake2b(digest_size=32)
    for part in parts:
        h.update(part)
    return h.digest()


# ---------------------------------------------------------------------------------------------
# Protobuf reader (PROTOCOL.md section 1.4)

VARINT, FIXED64, LEN, SGROUP, EGROUP, FIXED32 = 0, 1, 2, 3, 4, 5

# message -> {field number: (name, type, repeated)}; type is uint32, uint64, bytes, string or a message
SCHEMAS = {
    "SignedEntry": {1: ("body", "bytes", False), 2: ("signature", "bytes", False)},
    "EntryBody": {
        1: ("version", "uint32", False), 2: ("author", "bytes", False), 3: ("stamp", "uint64", False),
        4: ("kind", "uint32", False), 5: ("key", "bytes", False), 6: ("payload", "bytes", False),
        7: ("signer", "bytes", False),
    },
    "CardField": {1: ("field", "string", False), 2: ("values", "CardValue", True), 3: ("sealed", "bytes", False)},
    "CardValues": {1: ("values", "CardValue", True)},
    "Grant": {1: ("recipient", "bytes", False), 2: ("key_id", "bytes", False), 3: ("sealed_key", "bytes", False)},
    "CardValue": {1: ("value", "string", False), 2: ("type", "string", False)},
    "Endpoint": {1: ("addresses", "Address", True), 2: ("transport_key", "bytes", False)},
    "Address": {
        1: ("kind", "uint32", False), 2: ("ip", "bytes", False), 3: ("port", "uint32", False),
        4: ("relay", "string", False), 5: ("origin", "uint32", False),
    },
    "Edge": {1: ("target", "bytes", False), 2: ("state", "uint32", False)},
    "Introduction": {1: ("a", "bytes", False), 2: ("b", "bytes", False), 3: ("note", "string", False)},
    "IntroductionResponse": {1: ("introduction", "bytes", False), 2: ("answer", "uint32", False)},
    # Gossip payloads (section 11.2).
    "GossipMessage": {
        1: ("version", "uint32", False), 2: ("capabilities", "uint64", False), 3: ("ping", "Ping", False),
        4: ("ack", "Ack", False), 5: ("ping_request", "PingRequest", False), 6: ("members", "MemberUpdate", True),
        7: ("entries", "bytes", True), 8: ("reconcile", "ReconcileFrame", False), 9: ("request", "EntryRequest", False),
        10: ("nack", "Nack", False), 11: ("punch_request", "PunchRequest", False), 12: ("punch", "Punch", False),
        13: ("relay", "RelayControl", False), 14: ("dialback_request", "DialbackRequest", False),
        15: ("dialback", "Dialback", False),
    },
    "DialbackRequest": {1: ("candidates", "bytes", False)},
    "Dialback": {1: ("peer", "bytes", False), 2: ("target", "SocketAddress", False)},
    "RelayControl": {
        1: ("op", "uint32", False), 2: ("peer", "bytes", False), 3: ("status", "uint32", False),
        4: ("circuit", "uint64", False), 5: ("lifetime_ms", "uint32", False), 6: ("rate", "uint32", False),
    },
    "Ping": {1: ("sequence", "uint64", False)},
    "Ack": {1: ("sequence", "uint64", False), 2: ("observed", "SocketAddress", False)},
    "SocketAddress": {1: ("ip", "bytes", False), 2: ("port", "uint32", False)},
    "PunchRequest": {1: ("target", "bytes", False), 2: ("endpoint", "bytes", False)},
    "Punch": {1: ("peer", "bytes", False), 2: ("endpoint", "bytes", False), 3: ("delay_ms", "uint32", False)},
    "Nack": {1: ("sequence", "uint64", False)},
    "PingRequest": {1: ("sequence", "uint64", False), 2: ("target", "bytes", False)},
    "MemberUpdate": {
        1: ("member", "bytes", False), 2: ("state", "uint32", False), 3: ("incarnation", "uint64", False),
        4: ("reporter", "bytes", False),
    },
    "ReconcileFrame": {
        1: ("session", "uint64", False), 2: ("round", "uint32", False), 3: ("lower_stamp", "uint64", False),
        4: ("lower_id", "bytes", False), 5: ("ranges", "bytes", False),
    },
    "EntryRequest": {1: ("ids", "bytes", False)},
}

DEFAULTS = {"uint32": 0, "uint64": 0, "bytes": b"", "string": ""}


class Message:
    """Decoded field values, plus whether any undeclared field was read (at this level)."""

    def __init__(self, schema):
        self.schema = schema
        self.values = {}
        for number, (name, typ, repeated) in SCHEMAS[schema].items():
            self.values[name] = [] if repeated else DEFAULTS.get(typ)  # an absent message field is None
        self.undeclared = False

    def __getitem__(self, name):
        return self.values[name]

    def any_undeclared(self):
        if self.undeclared:
            return True
        for number, (name, typ, repeated) in SCHEMAS[self.schema].items():
            if repeated and any(m.any_undeclared() for m in self.values[name]):
                return True
        return False


def read_varint(buf, pos):
    """Section 1.4.3 rule 1: truncated if no byte is left, malformed if it ends inside or runs past 10 bytes."""
    if pos >= len(buf):
        raise Reject("truncated", "a varint starts past the end")
    value = 0
    for i in range(10):
        if pos >= len(buf):
            raise Reject("malformed", "the input ends inside a varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            return value & 0xFFFFFFFFFFFFFFFF, pos
    raise Reject("malformed", "a varint longer than 10 bytes")


def read_tag(buf, pos):
    """Section 1.4.3 rule 2: a field tag at the level of a message."""
    if buf[pos] & 7 in (6, 7):
        raise Reject("malformed", "wire type 6 or 7")
    value = 0
    for i in range(5):
        if pos >= len(buf):
            raise Reject("malformed", "the input ends inside a tag")
        b = buf[pos]
        pos += 1
        if i == 4 and b > 15:
            raise Reject("malformed", "a tag of 2^32 or more")
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            break
    number, wire = value >> 3, value & 7
    if number == 0:
        raise Reject("malformed", "field number 0")
    if wire == EGROUP:
        raise Reject("malformed", "an end-group tag outside a group")
    return number, wire, pos


def skip_field(buf, pos, number, wire, depth):
    """Section 1.4.3 rule 4: skips the value of an undeclared field (or a declared one with another wire type)."""
    if wire == VARINT:
        _, pos = read_varint(buf, pos)
    elif wire in (FIXED64, FIXED32):
        size = 8 if wire == FIXED64 else 4
        if len(buf) - pos < size:
            raise Reject("truncated", "a fixed-size value past the end")
        pos += size
    elif wire == LEN:
        n, pos = read_varint(buf, pos)
        if n > len(buf) - pos:
            raise Reject("truncated", "a length past the end")
        pos += n
    elif wire == SGROUP:
        depth += 1
        if depth > MAX_DEPTH:
            raise Reject("malformed", "nesting deeper than 100")
        while True:
            if pos >= len(buf):
                raise Reject("truncated", "a group without its end")
            tag, pos = read_varint(buf, pos)
            if tag >= 0xFFFFFFFF:
                raise Reject("malformed", "a tag of 2^32 - 1 or more inside a group")
            inner_number, inner_wire = tag >> 3, tag & 7
            if inner_wire in (6, 7) or inner_number == 0:
                raise Reject("malformed", "an invalid tag inside a group")
            if inner_wire == EGROUP:
                if inner_number == number:
                    break
                raise Reject("malformed", "an end-group tag for another group")
            pos = skip_field(buf, pos, inner_number, inner_wire, depth)
    return pos


def parse_message(buf, schema, depth=1):
    """Section 1.4.3: reads every field in byte order; the first error met is the result."""
    if depth > MAX_DEPTH:
        raise Reject("malformed", "nesting deeper than 100")
    message = Message(schema)
    fields = SCHEMAS[schema]
    pos = 0
    while pos < len(buf):
        number, wire, pos = read_tag(buf, pos)
        spec = fields.get(number)
        expected_wire = None
        if spec is not None:
            expected_wire = VARINT if spec[1] in ("uint32", "uint64") else LEN
        if spec is None or wire != expected_wire:
            pos = skip_field(buf, pos, number, wire, depth)
            message.undeclared = True
            continue
        name, typ, repeated = spec
        if wire == VARINT:
            value, pos = read_varint(buf, pos)
            if typ == "uint32":
                value &= 0xFFFFFFFF
        else:
            n, pos = read_varint(buf, pos)
            if n >= 0x7FFFFFFF:
                raise Reject("malformed", "a length of 2^31 - 1 or more")
            if n > len(buf) - pos:
                raise Reject("truncated", f"{schema}.{name} runs past the end")
            raw = bytes(buf[pos:pos + n])
            pos += n
            if typ == "bytes":
                value = raw
            elif typ == "string":
                try:
                    value = raw.decode("utf-8", errors="strict")
                except UnicodeDecodeError:
                    raise Reject("invalid-utf8", f"{schema}.{name} is not valid UTF-8") from None
            else:
                value = parse_message(raw, typ, depth + 1)
        if repeated:
            message.values[name].append(value)
        else:
            message.values[name] = value
    return message


def encode_varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_message(message):
    """Section 1.4.2: the canonical encoding of decoded values (undeclared fields dropped)."""
    out = bytearray()
    for number in sorted(SCHEMAS[message.schema]):
        name, typ, repeated = SCHEMAS[message.schema][number]
        items = message.values[name] if repeated else [message.values[name]]
        for value in items:
            if not repeated and value == DEFAULTS[typ]:
                continue
            if typ in ("uint32", "uint64"):
                out += encode_varint(number << 3 | VARINT) + encode_varint(value)
                continue
            if typ == "bytes":
                raw = value
            elif typ == "string":
                raw = value.encode("utf-8")
            else:
                raw = encode_message(value)
            out += encode_varint(number << 3 | LEN) + encode_varint(len(raw)) + raw
    return bytes(out)


def decode_canonical(buf, schema):
    """Section 1.4.4: parse, then require no undeclared field at any depth and byte-exact re-encoding."""
    message = parse_message(buf, schema)
    if message.any_undeclared():
        raise Reject("non-canonical", f"{schema} has an undeclared field")
    if encode_message(message) != bytes(buf):
        raise Reject("non-canonical", f"{schema} is not in canonical form")
    return message


# ---------------------------------------------------------------------------------------------
# Text rules (PROTOCOL.md section 6.2)

def check_token(token, what, allow_empty):
    if token == "":
        if not allow_empty:
            raise Reject("invalid-field", f"{what} is empty")
        return
    if len(token.encode("utf-8")) > MAX_TOKEN_LENGTH:
        raise Reject("invalid-field", f"{what} is longer than {MAX_TOKEN_LENGTH} bytes")
    for c in token:
        if not ("a" <= c <= "z" or "0" <= c <= "9" or c == "-"):
            raise Reject("invalid-field", f"{what} {token!r} holds a character outside a-z 0-9 -")


def check_text(text, what, max_bytes, allow_newline, allow_empty):
    size = len(text.encode("utf-8"))
    if size == 0 and not allow_empty:
        raise Reject("invalid-field", f"{what} is empty")
    if size > max_bytes:
        raise Reject("invalid-field", f"{what} is {size} bytes, at most {max_bytes}")
    for c in text:
        v = ord(c)
        if (v <= 0x1F or 0x7F <= v <= 0x9F) and not (allow_newline and v == 0x0A):
            raise Reject("forbidden-character", f"{what} holds U+{v:04X}")


# ---------------------------------------------------------------------------------------------
# Payloads (PROTOCOL.md section 5)

def check_card_values(field, raw_values):
    """Section 5.2 step 4 and 5: the values of a public field, or of an opened sealed one."""
    spec = CARD_FIELDS.get(field)
    max_items = MAX_LIST_LENGTH if spec is None or spec[1] else 1
    if len(raw_values) > max_items:
        raise Reject("invalid-field", f"{len(raw_values)} values, at most {max_items}")
    is_note = field == "note"
    values = []
    for v in raw_values:
        check_text(v["value"], "card value", MAX_NOTE_LENGTH if is_note else MAX_VALUE_LENGTH,
                   allow_newline=is_note, allow_empty=False)
        check_token(v["type"], "card value type", allow_empty=True)
        values.append({"value": v["value"], "type": v["type"]})
    return values


def decode_payload(kind, payload, key, author):
    if kind == 1:
        m = decode_canonical(payload, "CardField")
        check_token(m["field"], "card field name", allow_empty=False)
        if m["field"].encode("utf-8") != key:
            raise Reject("key-mismatch", "a card entry's key must be its field name")
        if m["sealed"] != b"":
            if m["values"]:
                raise Reject("invalid-field", "a field carries values and sealed bytes at once")
            overhead = CARD_KEY_ID_LENGTH + SEALED_NONCE_LENGTH + AEAD_TAG_LENGTH
            if len(m["sealed"]) - overhead not in SEAL_BUCKETS:
                raise Reject("invalid-field", f"sealed bytes of {len(m['sealed'])} are not a padded bucket")
            return {"field": m["field"], "values": [], "sealed": m["sealed"]}
        return {"field": m["field"], "values": check_card_values(m["field"], m["values"])}
    if kind == 6:
        m = decode_canonical(payload, "Grant")
        if len(m["recipient"]) != 32:
            raise Reject("invalid-field", "grant recipient is not 32 bytes")
        if m["recipient"] != key:
            raise Reject("key-mismatch", "a grant's key must be its recipient")
        if m["recipient"] == author:
            raise Reject("invalid-field", "a grant cannot be addressed to its author")
        empty = m["key_id"] == b"" and m["sealed_key"] == b""
        if not empty and (len(m["key_id"]) != CARD_KEY_ID_LENGTH or len(m["sealed_key"]) != SEALED_KEY_LENGTH):
            raise Reject("invalid-field", "a grant carries a 16-byte key id and an 80-byte sealed key, or neither")
        return {"recipient": m["recipient"], "key_id": m["key_id"], "sealed_key": m["sealed_key"]}
    if kind == 2:
        m = decode_canonical(payload, "Endpoint")
        if key != b"":
            raise Reject("key-mismatch", "an endpoint entry's key must be empty")
        if m["transport_key"] != b"":
            raise Reject("invalid-field", "transport_key is reserved")
        if len(m["addresses"]) > MAX_ADDRESSES:
            raise Reject("invalid-field", "too many addresses")
        addresses = []
        for a in m["addresses"]:
            if a["kind"] not in (1, 2):
                raise Reject("invalid-field", f"address kind {a['kind']}")
            if len(a["ip"]) not in (4, 16):
                raise Reject("invalid-field", "an IP address is 4 or 16 bytes")
            if not 1 <= a["port"] <= 65535:
                raise Reject("invalid-field", f"port {a['port']}")
            if a["origin"] not in ORIGINS:
                raise Reject("invalid-field", f"address origin {a['origin']}")
            if a["kind"] == 2:
                # Section 5.4: a relay address names its relay by key, in the text form only.
                if a["origin"] != RELAY_ORIGIN:
                    raise Reject("invalid-field", "a relay address has origin 4")
                try:
                    relay_key = parse_identity(a["relay"])
                except ValueError:
                    raise Reject("invalid-field", "the relay is not a public key in text form")
                if identity_text(relay_key) != a["relay"]:
                    raise Reject("invalid-field", "the relay key is not in its text form")
            elif a["relay"] != "" or a["origin"] == RELAY_ORIGIN:
                raise Reject("invalid-field", "relay and origin 4 are for relay addresses only")
            address = {"kind": a["kind"], "ip": a["ip"], "port": a["port"]}
            if a["origin"]:
                address["origin"] = ORIGINS[a["origin"]]
            if a["relay"]:
                address["relay"] = a["relay"]
            addresses.append(address)
        return {"addresses": addresses}
    if kind == 3:
        m = decode_canonical(payload, "Edge")
        if len(m["target"]) != 32:
            raise Reject("invalid-field", "edge target is not 32 bytes")
        if m["target"] != key:
            raise Reject("key-mismatch", "an edge entry's key must be its target")
        if m["target"] == author:
            raise Reject("invalid-field", "an edge cannot point at its author")
        if m["state"] not in (1, 2):
            raise Reject("invalid-field", f"edge state {m['state']}")
        return {"target": m["target"], "state": {1: "connected", 2: "removed"}[m["state"]]}
    if kind == 4:
        m = decode_canonical(payload, "Introduction")
        if key != b"":
            raise Reject("key-mismatch", "an introduction's key must be empty")
        if len(m["a"]) != 32 or len(m["b"]) != 32:
            raise Reject("invalid-field", "a and b must be 32 bytes")
        if m["a"] == m["b"] or author in (m["a"], m["b"]):
            raise Reject("invalid-field", "an introduction names two people other than its author")
        check_text(m["note"], "introduction note", MAX_INTRODUCTION_NOTE_LENGTH,
                   allow_newline=True, allow_empty=True)
        return {"a": m["a"], "b": m["b"], "note": m["note"]}
    if kind == 5:
        m = decode_canonical(payload, "IntroductionResponse")
        if len(m["introduction"]) != 32:
            raise Reject("invalid-field", "the introduction id is not 32 bytes")
        if m["introduction"] != key:
            raise Reject("key-mismatch", "a response's key must be the introduction's id")
        if m["answer"] not in (1, 2):
            raise Reject("invalid-field", f"answer {m['answer']}")
        return {"introduction": m["introduction"], "answer": {1: "accept", 2: "decline"}[m["answer"]]}
    if len(key) > MAX_UNKNOWN_KEY_LENGTH:
        raise Reject("invalid-field", "an unknown kind's key is longer than 64 bytes")
    return {"payload": payload}


# ---------------------------------------------------------------------------------------------
# Ed25519 verification with the libsodium 1.0.18 rules (PROTOCOL.md section 3.3)

def point_decode(s):
    """The curve point of a 32-byte encoding, or None if y >= p or no x exists (extended coords)."""
    y = int.from_bytes(s, "little") & ((1 << 255) - 1)
    sign = s[31] >> 7
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        x = (x * SQRT_M1) % P
        if (v * x * x - u) % P != 0:
            return None
    if x & 1 != sign:
        x = (-x) % P
    return (x, y, 1, (x * y) % P)


def point_add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def point_mul(k, point):
    result = (0, 1, 1, 0)
    while k > 0:
        if k & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        k >>= 1
    return result


def point_encode(point):
    x, y, z, _ = point
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


BASE = point_decode(int.to_bytes(4 * pow(5, P - 2, P) % P, 32, "little"))


def has_small_order(encoding):
    masked = encoding[:31] + bytes([encoding[31] & 0x7F])
    return masked in SMALL_ORDER_BLOCKLIST


def verify_signature(signature, public_key, message):
    """Steps 11-15 of the order of checks; raises Reject, else returns. Cross-checked with libsodium."""
    r, s = signature[:32], signature[32:]
    s_int = int.from_bytes(s, "little")
    if s_int >= L:
        raise Reject("non-canonical-s", "S is not below L")
    if has_small_order(r):
        raise Reject("small-order-r", "R is in the small-order blocklist")
    if has_small_order(public_key):
        raise Reject("small-order-key", "A is in the small-order blocklist")
    a_point = point_decode(public_key)
    if a_point is None:
        raise Reject("invalid-key", "A is not a canonical encoding of a curve point")
    k = int.from_bytes(hashlib.sha512(r + public_key + message).digest(), "little") % L
    neg_a = ((-a_point[0]) % P, a_point[1], a_point[2], (-a_point[3]) % P)
    check = point_encode(point_add(point_mul(s_int, BASE), point_mul(k, neg_a)))
    equation_holds = check == r
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
        libsodium_accepts = True
    except nacl.exceptions.BadSignatureError:
        libsodium_accepts = False
    if libsodium_accepts != equation_holds:
        raise Mismatch(f"the spec's equation says {equation_holds}, PyNaCl's libsodium says {libsodium_accepts}")
    if not equation_holds:
        raise Reject("bad-signature", "the verification equation does not hold")


# ---------------------------------------------------------------------------------------------
# Whole entries (PROTOCOL.md section 7, "Order of checks")

def check_entry(data):
    entry = parse_entry(data)
    verify_signature(entry["signature"], entry["author"], ENTRY_DOMAIN + entry["body"])
    return entry


def parse_entry(data):
    """Every check of section 7 up to, not including, the signature."""
    if len(data) > MAX_ENTRY_SIZE:
        raise Reject("oversize-entry", f"{len(data)} bytes")
    envelope = decode_canonical(data, "SignedEntry")
    signature, body = envelope["signature"], envelope["body"]
    if len(signature) != 64:
        raise Reject("malformed", f"signature of {len(signature)} bytes")
    if len(body) > MAX_BODY_SIZE:
        raise Reject("oversize-body", f"{len(body)} bytes")
    m = decode_canonical(body, "EntryBody")
    if m["version"] != 1:
        raise Reject("unsupported-version", f"version {m['version']}")
    if m["signer"] != b"":
        raise Reject("unsupported-signer", "signer is reserved")
    if len(m["author"]) != 32:
        raise Reject("invalid-field", "author is not 32 bytes")
    if m["kind"] == 0:
        raise Reject("invalid-field", "kind 0")
    content = decode_payload(m["kind"], m["payload"], m["key"], m["author"])
    return {
        "body": body, "signature": signature, "author": m["author"], "stamp": m["stamp"],
        "kind": m["kind"], "key": m["key"], "payload": m["payload"], "content": content,
        "id": blake2b256(ENTRY_DOMAIN, body),
    }


# ---------------------------------------------------------------------------------------------
# Identities (PROTOCOL.md section 2)

def base32_encode(data):
    bits = "".join(f"{b:08b}" for b in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(BASE32_ALPHABET[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))


def identity_text(key):
    return TEXT_PREFIX + base32_encode(key + blake2b256(ID_DOMAIN, key)[:4])


def fingerprint(key):
    h = blake2b256(FINGERPRINT_DOMAIN, key)[:8].hex()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


# Unicode White_Space (section 2.2 trims these at both ends).
WHITE_SPACE = set(chr(c) for c in (
    *range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
    0x205F, 0x3000))


def parse_identity(text):
    """Section 2.2; returns the key or raises ValueError(code)."""
    start, end = 0, len(text)
    while start < end and text[start] in WHITE_SPACE:
        start += 1
    while end > start and text[end - 1] in WHITE_SPACE:
        end -= 1
    text = text[start:end]
    if text == "":
        raise ValueError("empty")
    if not text[:3].lower() == TEXT_PREFIX:
        raise ValueError("missing-prefix")
    rest = text[3:]
    for c in rest:
        if c.lower() not in BASE32_ALPHABET or not c.isascii():
            raise ValueError("invalid-character")
    if len(rest) != TEXT_LENGTH - 3:
        raise ValueError("wrong-length")
    bits = "".join(f"{BASE32_ALPHABET.index(c.lower()):05b}" for c in rest)
    if int(bits[288:], 2) != 0:
        raise ValueError("checksum-mismatch")
    data = int(bits[:288], 2).to_bytes(36, "big")
    key, checksum = data[:32], data[32:]
    if blake2b256(ID_DOMAIN, key)[:4] != checksum:
        raise ValueError("checksum-mismatch")
    return key


# ---------------------------------------------------------------------------------------------
# Vector files

class Tally:
    """Passed and failed checks of one vector file."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.messages = []

    def check(self, label, fn):
        try:
            fn()
        except (Mismatch, Reject, ValueError, KeyError, TypeError) as error:
            self.failed += 1
            self.messages.append(f"  FAIL {label}: {type(error).__name__}: {error}")
        else:
            self.passed += 1


def expect(condition, what):
    if not condition:
        raise Mismatch(what)


def check_identities(doc, tally):
    for v in doc["vectors"]:
        def one(v=v):
            seed = bytes.fromhex(v["seed"])
            key = bytes(nacl.signing.SigningKey(seed).verify_key)
            expect(key.hex() == v["public_key"], f"public key {key.hex()}")
            expect(identity_text(key) == v["text"], f"text {identity_text(key)}")
            expect(fingerprint(key) == v["fingerprint"], f"fingerprint {fingerprint(key)}")
            expect(parse_identity(v["text"]) == key, "the text does not parse back to the key")
            expect(parse_identity(" " + v["text"].upper() + "\n") == key, "upper case with white space")
        tally.check(f"identity {v['name']}", one)
    for v in doc.get("invalid_texts", []):
        def bad(v=v):
            try:
                parse_identity(v["text"])
            except ValueError as error:
                expect(str(error) == v["error"], f"rejected as {error}, expected {v['error']}")
            else:
                raise Mismatch(f"accepted, expected {v['error']}")
        tally.check(f"invalid identity {v['text']!r}", bad)


def expected_content(kind, content):
    """The vector's JSON content in the shape decode_payload returns."""
    if kind == 1:
        expected = {"field": content["field"],
                    "values": [{"value": x["value"], "type": x.get("type", "")} for x in content.get("values", [])]}
        if "sealed" in content:
            expected["sealed"] = bytes.fromhex(content["sealed"])
        return expected
    if kind == 6:
        return {"recipient": bytes.fromhex(content["recipient"]), "key_id": bytes.fromhex(content.get("key_id", "")),
                "sealed_key": bytes.fromhex(content.get("sealed_key", ""))}
    if kind == 2:
        def address(a):
            out = {"kind": a["kind"], "ip": ipaddress.ip_address(a["ip"]).packed, "port": a["port"]}
            if a.get("origin"):
                out["origin"] = a["origin"]
            if a.get("relay"):
                out["relay"] = a["relay"]
            return out
        return {"addresses": [address(a) for a in content["addresses"]]}
    if kind == 3:
        return {"target": bytes.fromhex(content["target"]), "state": content["state"]}
    if kind == 4:
        return {"a": bytes.fromhex(content["a"]), "b": bytes.fromhex(content["b"]), "note": content.get("note", "")}
    if kind == 5:
        return {"introduction": bytes.fromhex(content["introduction"]), "answer": content["answer"]}
    return {"payload": bytes.fromhex(content["payload"])}


def check_entries(doc, tally):
    expect(bytes.fromhex(doc["domain_hex"]) == ENTRY_DOMAIN, "domain_hex")
    for v in doc["vectors"]:
        def one(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            seed = bytes.fromhex(v["seed"])
            signing_key = nacl.signing.SigningKey(seed)
            author = bytes(signing_key.verify_key)
            expect(author.hex() == v["author"] == entry["author"].hex(), "author")
            expect(entry["kind"] == v["kind"], "kind")
            expect(KIND_NAMES.get(v["kind"], f"kind-{v['kind']}") == v["kind_name"], "kind_name")
            expect(entry["stamp"] == v["stamp"], "stamp")
            expect(entry["key"].hex() == v["key"], "key")
            expect(entry["payload"].hex() == v["payload"], "payload")
            expect(entry["body"].hex() == v["body"], "body")
            expect(entry["signature"].hex() == v["signature"], "signature")
            expect(entry["id"].hex() == v["id"], f"id {entry['id'].hex()}")
            expect(entry["content"] == expected_content(v["kind"], v["content"]), f"content {entry['content']}")
            resigned = signing_key.sign(ENTRY_DOMAIN + entry["body"]).signature
            expect(resigned == entry["signature"], "re-signing the body gives another signature")
            expect(v.get("kept", True) is True, "a positive vector must be kept")
        tally.check(f"entry {v['name']}", one)
    by_id = {v["id"]: bytes.fromhex(v["entry"]) for v in doc["vectors"]}
    for v in doc["other_signatures"]:
        def other(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            expect(entry["id"].hex() == v["id"], "id")
            if v.get("kept") is not None:
                # Section 9.6: of two signatures of one body, a node keeps the smaller.
                first = check_entry(by_id[v["id"]])
                smaller = min(first, entry, key=lambda e: e["signature"])
                expect(first["signature"] != entry["signature"], "not another signature")
                expect(encode_signed_entry(smaller) == bytes.fromhex(v["kept"]), "kept")
        tally.check(f"entry with another signature: {v['name']}", other)


def encode_signed_entry(entry):
    """Section 1.4.6: the canonical SignedEntry of a body and a signature."""
    body = entry["body"]
    return b"\x0a" + encode_varint(len(body)) + body + b"\x12\x40" + entry["signature"]


def check_negative(doc, tally):
    for v in doc["vectors"]:
        def one(v=v):
            try:
                check_entry(bytes.fromhex(v["entry"]))
            except Reject as rejection:
                expect(rejection.reason == v["reason"], f"rejected as {rejection}, expected {v['reason']}")
            else:
                raise Mismatch(f"accepted, expected {v['reason']}")
        tally.check(f"negative {v['name']}", one)


# ---------------------------------------------------------------------------------------------
# Private card fields (PROTOCOL.md section 5.9)

def card_key_id(key):
    h = hashlib.blake2b(digest_size=CARD_KEY_ID_LENGTH)
    h.update(CARD_KEY_ID_DOMAIN + key)
    return h.digest()


def sealed_associated_data(author, field, key_id):
    return SEALED_FIELD_DOMAIN + author + key_id + field.encode("utf-8")


def unpad(padded):
    """ISO/IEC 7816-4: strip trailing zeros and the 0x80 before them."""
    stripped = padded.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise Reject("unreadable", "padding does not end in 0x80 and zeros")
    return stripped[:-1]


def open_sealed(author, field, sealed, key):
    """The values inside a sealed field, or Reject("unreadable") when the key does not open it."""
    key_id, nonce = sealed[:CARD_KEY_ID_LENGTH], sealed[CARD_KEY_ID_LENGTH:CARD_KEY_ID_LENGTH + SEALED_NONCE_LENGTH]
    if key_id != card_key_id(key):
        raise Reject("unreadable", "sealed under another key")
    ciphertext = sealed[CARD_KEY_ID_LENGTH + SEALED_NONCE_LENGTH:]
    try:
        padded = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext, sealed_associated_data(author, field, key_id), nonce, key)
    except nacl.exceptions.CryptoError:
        raise Reject("unreadable", "the tag does not verify")
    plain = unpad(padded)
    return check_card_values(field, decode_canonical(plain, "CardValues")["values"]), padded, plain


def open_grant(content, recipient_seed):
    """The card key a grant holds for the recipient with this Ed25519 seed (section "Grants")."""
    signing_key = nacl.signing.SigningKey(recipient_seed)
    ed_public = bytes(signing_key.verify_key)
    x_public = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(ed_public)
    x_secret = nacl.bindings.crypto_sign_ed25519_sk_to_curve25519(recipient_seed + ed_public)
    key = nacl.bindings.crypto_box_seal_open(content["sealed_key"], x_public, x_secret)
    expect(len(key) == 32 and card_key_id(key) == content["key_id"], "the grant's key id names the key inside")
    return key


def check_private(doc, tally):
    expect(bytes.fromhex(doc["field_domain_hex"]) == SEALED_FIELD_DOMAIN, "field_domain_hex")
    expect(bytes.fromhex(doc["key_id_domain_hex"]) == CARD_KEY_ID_DOMAIN, "key_id_domain_hex")
    expect(tuple(doc["buckets"]) == SEAL_BUCKETS, "buckets")
    keys = {}
    for k in doc["keys"]:
        key = bytes.fromhex(k["key"])
        def one(k=k, key=key):
            expect(card_key_id(key).hex() == k["key_id"], "key id")
        keys[k["name"]] = key
        tally.check(f"private key {k['name']}", one)
    for v in doc["sealed"]:
        def one(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            expect(entry["id"].hex() == v["id"], "id")
            content = entry["content"]
            expect(content["field"] == v["field"] and content["values"] == [], "a sealed field carries no values")
            expect(content["sealed"].hex() == v["sealed"], "sealed bytes")
            key = keys[v["key"]]
            key_id = content["sealed"][:CARD_KEY_ID_LENGTH]
            expect(sealed_associated_data(entry["author"], v["field"], key_id).hex() == v["associated_data"],
                   "associated data")
            try:
                values, padded, plain = open_sealed(entry["author"], v["field"], content["sealed"], key)
            except Reject as rejection:
                expect(not v["readable"], f"does not open: {rejection}")
                return
            expect(v["readable"], "an unreadable vector opened")
            expect(padded.hex() == v["padded"] and plain.hex() == v["plaintext"], "padding")
            expect(len(padded) == min(b for b in SEAL_BUCKETS if b > len(plain)), "the smallest bucket")
            expect(values == [{"value": x["value"], "type": x.get("type", "")} for x in v["values"]], "values")
            resealed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
                padded, sealed_associated_data(entry["author"], v["field"], key_id), bytes.fromhex(v["nonce"]), key)
            expect(key_id + bytes.fromhex(v["nonce"]) + resealed == content["sealed"], "re-sealing gives the same bytes")
        tally.check(f"private sealed {v['name']}", one)
    for v in doc["grants"]:
        def one(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            expect(entry["kind"] == 6 and entry["id"].hex() == v["id"], "a grant entry with its id")
            content = entry["content"]
            expect(content["recipient"].hex() == v["recipient"] == entry["key"].hex(), "recipient is the key")
            if v.get("key") is None:
                expect(content["key_id"] == b"" and content["sealed_key"] == b"", "an empty grant")
                return
            expect(open_grant(content, bytes.fromhex(v["recipient_seed"])) == keys[v["key"]], "the granted key")
            other = nacl.signing.SigningKey(blake2b256(b"not the recipient")).encode()
            try:
                open_grant(content, other)
            except nacl.exceptions.CryptoError:
                pass
            else:
                raise Mismatch("a grant opened for someone it was not sealed to")
        tally.check(f"private grant {v['name']}", one)
    rotation = doc["rotation"]
    def rotate():
        entries = [check_entry(bytes.fromhex(e)) for e in rotation["entries"]]
        winners = {}
        for e in entries:
            slot = (e["author"], e["kind"], e["key"])
            if slot not in winners or order(e) > order(winners[slot]):
                winners[slot] = e
        expect(sorted(e["id"].hex() for e in winners.values()) == sorted(rotation["retained"]), "retained set")
        for reader in rotation["readers"]:
            seed = bytes.fromhex(reader["seed"])
            me = bytes(nacl.signing.SigningKey(seed).verify_key)
            held = [keys[name] for name in reader["kept_keys"]]
            granted = None
            for e in winners.values():
                if e["kind"] == 6 and e["content"]["recipient"] == me and e["content"]["key_id"] != b"":
                    granted = open_grant(e["content"], seed)
            expect((granted is None) == (reader.get("granted_key") is None), f"{reader['name']}'s grant")
            if granted is not None:
                expect(granted == keys[reader["granted_key"]], f"{reader['name']}'s granted key")
                held.append(granted)
            reads = {}
            for e in winners.values():
                if e["kind"] != 1 or "sealed" not in e["content"]:
                    continue
                for key in held:
                    try:
                        values, _, _ = open_sealed(e["author"], e["content"]["field"], e["content"]["sealed"], key)
                    except Reject:
                        continue
                    reads[e["content"]["field"]] = values
            want = {f: [{"value": x["value"], "type": x.get("type", "")} for x in vs] for f, vs in reader["reads"].items()}
            expect(reads == want, f"what {reader['name']} reads: {reads}")
    tally.check("private rotation", rotate)
    check_negative({"vectors": doc["invalid"]}, tally)


# ---------------------------------------------------------------------------------------------
# Merge (PROTOCOL.md section 9)

SET_FINGERPRINT_DOMAIN = b"grapevine/set-fingerprint/v1\x00"
# The bound K of every kind in the table of section 5.1; kinds it does not list share "unknown".
BOUNDS_V2 = {"card": 32, "endpoint": 1, "edge": 2048, "introduction": 256, "introduction_response": 512,
             "grant": 2048, "introduction_request": 256, "device_record": 16,
             "unknown": 64, "quarantine_per_author": 64, "quarantine_total": 4096}
BOUND_NAMES = {1: "card", 2: "endpoint", 3: "edge", 4: "introduction", 5: "introduction_response",
               6: "grant", 7: "introduction_request", 8: "device_record"}


def set_fingerprint(ids):
    """Section 9.7: BLAKE2b-128(domain ‖ sum of ids as little-endian integers mod 2^256 ‖ count)."""
    total = sum(int.from_bytes(i, "little") for i in ids) % (1 << 256)
    h = hashlib.blake2b(digest_size=16)
    h.update(SET_FINGERPRINT_DOMAIN + total.to_bytes(32, "little") + len(ids).to_bytes(8, "little"))
    return h.digest()


def order(e):
    return (e["stamp"], e["id"])


def replacement_key(e):
    return e["id"] if e["kind"] == 4 else e["key"]


def bound(bounds, kind):
    return bounds[BOUND_NAMES.get(kind, "unknown")]


def is_too_far_ahead(e, now, tolerance):
    return (e["stamp"] >> 16) > now + tolerance


def merge_by_definition(entries, now, tolerance, bounds):
    """Sections 9.3 and 9.5 as set definitions: returns (retained ids, quarantined ids)."""
    unique = {e["id"]: e for e in entries}.values()
    pending = [e for e in unique if is_too_far_ahead(e, now, tolerance)]
    per_author = {}
    for e in sorted(pending, key=order):
        per_author.setdefault(e["author"], []).append(e)
    kept = [e for mine in per_author.values() for e in mine[:bounds["quarantine_per_author"]]]
    quarantined = sorted(kept, key=order)[:bounds["quarantine_total"]]
    winners = {}
    for e in unique:
        if is_too_far_ahead(e, now, tolerance):
            continue
        slot = (e["author"], e["kind"], replacement_key(e))
        if slot not in winners or order(e) > order(winners[slot]):
            winners[slot] = e
    groups = {}
    for e in winners.values():
        groups.setdefault((e["author"], e["kind"]), []).append(e)
    retained = []
    for (author, kind), group in groups.items():
        retained += sorted(group, key=order, reverse=True)[:bound(bounds, kind)]
    return sorted(e["id"] for e in retained), sorted(e["id"] for e in quarantined)


def merge_incrementally(entries, now, tolerance, bounds):
    """The incremental forms of sections 9.3 and 9.5, one entry at a time in the given order."""
    groups = {}       # (author, kind) -> {replacement key: entry}
    quarantine = []
    for e in entries:
        held = [q["id"] for q in quarantine] + [w["id"] for g in groups.values() for w in g.values()]
        if e["id"] in held:
            continue
        if is_too_far_ahead(e, now, tolerance):
            mine = [q for q in quarantine if q["author"] == e["author"]]
            if len(mine) >= bounds["quarantine_per_author"] and all(order(e) > order(q) for q in mine):
                continue
            if len(quarantine) >= bounds["quarantine_total"] and all(order(e) > order(q) for q in quarantine):
                continue
            quarantine.append(e)
            if len(mine) + 1 > bounds["quarantine_per_author"]:
                quarantine.remove(max(mine + [e], key=order))
            if len(quarantine) > bounds["quarantine_total"]:
                quarantine.remove(max(quarantine, key=order))
            continue
        group = groups.setdefault((e["author"], e["kind"]), {})
        key = replacement_key(e)
        k = bound(bounds, e["kind"])
        if key in group:
            if order(e) > order(group[key]):
                group[key] = e
            continue
        if len(group) >= k and order(e) < min(order(w) for w in group.values()):
            continue
        group[key] = e
        if len(group) > k:
            smallest = min(group.values(), key=order)
            del group[replacement_key(smallest)]
    retained = [w["id"] for g in groups.values() for w in g.values()]
    return sorted(retained), sorted(q["id"] for q in quarantine)


def check_merge(doc, tally):
    expect(bytes.fromhex(doc["fingerprint_domain_hex"]) == SET_FINGERPRINT_DOMAIN, "fingerprint_domain_hex")
    expect(doc["bounds"] == BOUNDS_V2, f"bounds {doc['bounds']} differ from the kinds table, PROTOCOL.md section 5.1")
    for case in doc["cases"]:
        def one(case=case):
            entries = [check_entry(bytes.fromhex(h)) for h in case["entries"]]
            now, tolerance = case["physical_millis"], case["future_tolerance_millis"]
            expect(tolerance == 600000, "future_tolerance_millis")
            retained, quarantined = merge_by_definition(entries, now, tolerance, BOUNDS_V2)
            expect([i.hex() for i in retained] == case["retained"], f"retained {[i.hex() for i in retained]}")
            expect([i.hex() for i in quarantined] == case["quarantined"], "quarantined")
            expect(set_fingerprint(retained).hex() == case["digest"], f"digest {set_fingerprint(retained).hex()}")
            expect(set_fingerprint(retained + quarantined).hex() == case["held_fingerprint"], "held_fingerprint")
            orders = [entries, entries[::-1], sorted(entries, key=order), sorted(entries, key=lambda e: e["body"])]
            for arrival in orders:
                result = merge_incrementally(arrival, now, tolerance, BOUNDS_V2)
                expect(result == (retained, quarantined), "the incremental merge depends on arrival order")
        tally.check(f"merge {case['name']}", one)


PROTOCOL_VERSION = 2
DATAGRAM_MAGIC = 0x90 | PROTOCOL_VERSION
DATAGRAM_MAX = 1200
DATAGRAM_HEADER = 57
DATAGRAM_MAC = 16


def open_datagram(datagram, recipient_seed):
    """Opens a sealed datagram as PROTOCOL.md section 10.3 says (no replay or rate state: a fresh
    recipient); returns (reason, sender, payload)."""
    if len(datagram) < DATAGRAM_HEADER + DATAGRAM_MAC:
        return "too-small", None, None
    if len(datagram) > DATAGRAM_MAX:
        return "too-large", None, None
    version = datagram[0] & 0x0F
    if datagram[0] >> 4 != 0x9 or version == 0:
        return "bad-magic", None, None
    if version > PROTOCOL_VERSION:
        return "newer-version", None, None
    signing_key = nacl.signing.SigningKey(recipient_seed)
    sender, nonce = datagram[1:33], datagram[33:57]
    if sender == bytes(signing_key.verify_key):
        return "own-key", None, None
    if nonce[16:24] != sender[:8]:
        return "bad-nonce", None, None
    try:
        their_x = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(sender)
    except Exception:
        return "bad-key", None, None
    our_x = nacl.bindings.crypto_sign_ed25519_sk_to_curve25519(bytes(signing_key) + bytes(signing_key.verify_key))
    shared = nacl.bindings.crypto_box_beforenm(their_x, our_x)
    try:
        payload = nacl.bindings.crypto_box_open_afternm(datagram[57:], nonce, shared)
    except Exception:
        return "forged", None, None
    if version != PROTOCOL_VERSION:
        # Section 10.3 step 11: version 1 seals alike; it is opened only to learn who sent it.
        return "old-version", sender, payload
    return None, sender, payload


def check_datagrams(doc, tally):
    expect(doc["magic"] == DATAGRAM_MAGIC and doc["max_datagram_size"] == DATAGRAM_MAX, "magic and size")
    for v in doc["vectors"]:
        def one(v=v):
            sender_key = nacl.signing.SigningKey(bytes.fromhex(v["sender_seed"]))
            recipient_key = nacl.signing.SigningKey(bytes.fromhex(v["recipient_seed"]))
            expect(bytes(sender_key.verify_key).hex() == v["sender"], "sender key")
            expect(bytes(recipient_key.verify_key).hex() == v["recipient"], "recipient key")
            their_x = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(bytes(recipient_key.verify_key))
            expect(their_x.hex() == v["recipient_x25519"], "recipient X25519 key")
            our_x = nacl.bindings.crypto_sign_ed25519_sk_to_curve25519(bytes(sender_key) + bytes(sender_key.verify_key))
            shared = nacl.bindings.crypto_box_beforenm(their_x, our_x)
            expect(shared.hex() == v["shared_key"], "shared key")
            nonce = v["epoch"].to_bytes(8, "little") + v["counter"].to_bytes(8, "little") + bytes(sender_key.verify_key)[:8]
            expect(nonce.hex() == v["nonce"], "nonce")
            payload = bytes.fromhex(v["payload"])
            sealed = bytes([DATAGRAM_MAGIC]) + bytes(sender_key.verify_key) + nonce + \
                nacl.bindings.crypto_box_afternm(payload, nonce, shared)
            expect(sealed.hex() == v["datagram"], "datagram bytes")
            reason, sender, opened = open_datagram(sealed, bytes.fromhex(v["recipient_seed"]))
            expect(reason is None and opened == payload and sender.hex() == v["sender"], "opening")
        tally.check(f"datagram {v['name']}", one)
    for d in doc["drops"]:
        def one(d=d):
            reason, sender, payload = open_datagram(bytes.fromhex(d["datagram"]), bytes.fromhex(d["recipient_seed"]))
            if reason is None:
                # Section 11.2 step 2: a payload of another version is dropped before anything in it.
                stated = parse_message(payload, "GossipMessage")["version"]
                if stated and stated != PROTOCOL_VERSION:
                    reason = "old-version" if stated < PROTOCOL_VERSION else "newer-version"
            expect(reason == d["reason"], f"{d['name']}: dropped as {reason}, expected {d['reason']}")
            if d.get("sender") is not None:
                # Section 15.2: the sender is named only from what opened, with its payload's version.
                expect(sender.hex() == d["sender"], "the authenticated sender")
                stated = parse_message(payload, "GossipMessage")["version"]
                expect(stated == d["stated_version"], f"the payload states version {stated}")
        tally.check(f"datagram drop {d['name']}", one)
    def replay():
        # Section 10.4: highest epoch, highest counter h, and bit d set when h - d was seen (d < 64).
        window = None
        for step in doc["replay_window"]:
            epoch, counter = step["epoch"], step["counter"]
            if window is None:
                window, verdict = [epoch, counter, 1], "fresh"
            elif epoch < window[0] or (epoch == window[0] and counter + 64 <= window[1]):
                verdict = "stale"
            elif epoch > window[0]:
                window, verdict = [epoch, counter, 1], "fresh"
            elif counter > window[1]:
                shift = counter - window[1]
                window[2] = 1 if shift >= 64 else ((window[2] << shift) | 1) & (2**64 - 1)
                window[1], verdict = counter, "fresh"
            elif window[2] >> (window[1] - counter) & 1:
                verdict = "replayed"
            else:
                window[2] |= 1 << (window[1] - counter)
                verdict = "fresh"
            expect(verdict == step["verdict"], f"({epoch}, {counter}): {verdict}, expected {step['verdict']}")
    tally.check("replay window", replay)


# ---------------------------------------------------------------------------------------------
# Reconciliation (PROTOCOL.md section 12)

RANGE_SKIP, RANGE_FINGERPRINT, RANGE_IDS = 0, 1, 2
MAX_MARKER = 63
MAX_ROUNDS = 32
PAYLOAD_BUDGET = 1127
FRAME_OVERHEAD = 72
MAX_BOUND = (1, 0, b"")
MIN_WIRE = (0, b"")  # (stamp, id prefix); None stands for max


def bound_key(wire):
    """Section 9.7: a bound is its stamp and id prefix padded with zero bytes; max lies above every entry."""
    if wire is None:
        return MAX_BOUND
    stamp, prefix = wire
    return (0, stamp, prefix + bytes(32 - len(prefix)))


def item_key(item):
    return (0, item[0], item[1])


def in_range(items, lower, upper):
    lo, hi = bound_key(lower), bound_key(upper)
    return [x for x in items if lo <= item_key(x) < hi]


def wire_between(below, item):
    """Section 12.2: the shortest bound x with below < x <= item."""
    if below[0] < item[0]:
        return (item[0], b"")
    length = 0
    while length < 32 and below[1][length] == item[1][length]:
        length += 1
    return (item[0], item[1][:min(length + 1, 32)])


def split_range(items, lower, upper, branching, threshold):
    """Section 12.1: a mismatched range as an id list if it holds at most `threshold` ids, else
    `branching` fingerprinted parts, cut at local offsets floor(c * i / k)."""
    inside = in_range(items, lower, upper)
    c = len(inside)
    if c <= threshold:
        return [(upper, RANGE_IDS, [x[1] for x in inside])]
    k = min(branching, c)
    out = []
    start = lower
    for i in range(1, k):
        offset = c * i // k
        wire = wire_between(inside[offset - 1], inside[offset])
        out.append((wire, RANGE_FINGERPRINT, set_fingerprint([x[1] for x in in_range(inside, start, wire)])))
        start = wire
    out.append((upper, RANGE_FINGERPRINT, set_fingerprint([x[1] for x in in_range(inside, start, upper)])))
    return out


def decode_ranges(buf, lower):
    """Section 12.3; raises Reject('invalid-ranges') as the spec lists."""
    ranges, pos, previous = [], 0, lower
    while pos < len(buf):
        if previous is None:
            raise Reject("invalid-ranges", "a range follows the max bound")
        header = buf[pos]
        pos += 1
        mode, p = header & 3, header >> 2
        if p == MAX_MARKER:
            upper = None
        else:
            if p > 32:
                raise Reject("invalid-ranges", f"id prefix of {p} bytes")
            try:
                delta, pos = read_varint(buf, pos)
            except Reject:
                raise Reject("invalid-ranges", "stamp delta") from None
            if previous[0] + delta >= 1 << 64:
                raise Reject("invalid-ranges", "stamp overflows")
            if pos + p > len(buf):
                raise Reject("invalid-ranges", "id prefix cut short")
            upper = (previous[0] + delta, bytes(buf[pos:pos + p]))
            pos += p
        if not bound_key(previous) < bound_key(upper):
            raise Reject("invalid-ranges", "bounds are not ascending")
        if mode == RANGE_SKIP:
            payload = None
        elif mode == RANGE_FINGERPRINT:
            if pos + 16 > len(buf):
                raise Reject("invalid-ranges", "fingerprint cut short")
            payload, pos = bytes(buf[pos:pos + 16]), pos + 16
        elif mode == RANGE_IDS:
            try:
                count, pos = read_varint(buf, pos)
            except Reject:
                raise Reject("invalid-ranges", "id count") from None
            if pos + 32 * count > len(buf):
                raise Reject("invalid-ranges", "id list cut short")
            payload = [bytes(buf[pos + 32 * i:pos + 32 * (i + 1)]) for i in range(count)]
            pos += 32 * count
        else:
            raise Reject("invalid-ranges", "mode 3")
        ranges.append((upper, mode, payload))
        previous = upper
    return ranges


def encode_ranges(lower, ranges):
    out = bytearray()
    previous = lower[0]
    for upper, mode, payload in ranges:
        if upper is None:
            out.append(mode | MAX_MARKER << 2)
        else:
            out.append(mode | len(upper[1]) << 2)
            out += encode_varint(upper[0] - previous) + upper[1]
            previous = upper[0]
        if mode == RANGE_FINGERPRINT:
            out += payload
        elif mode == RANGE_IDS:
            out += encode_varint(len(payload)) + b"".join(payload)
    return bytes(out)


def encode_reconcile_payload(frame):
    """A GossipMessage holding only version 2 and the frame, in field order with defaults left out
    (the canonical form of section 1.4.2, which the vectors use)."""
    session, round_, lower, ranges = frame
    def field(number, raw):
        return encode_varint(number << 3 | LEN) + encode_varint(len(raw)) + raw
    inner = bytearray()
    for number, value in ((1, session), (2, round_), (3, lower[0])):
        if value:
            inner += encode_varint(number << 3 | VARINT) + encode_varint(value)
    if lower[1]:
        inner += field(4, lower[1])
    encoded = encode_ranges(lower, ranges)
    if encoded:
        inner += field(5, encoded)
    return encode_varint(1 << 3 | VARINT) + encode_varint(PROTOCOL_VERSION) + field(8, bytes(inner))


CLOSING_RESERVE = 1 + 10 + 32 + 16  # the largest fingerprint range: header, delta, prefix, fingerprint


def pack(ranges, session, round_, lower, span_end, items, range_budget, max_frames):
    """Section 12.1, "Frames fit one datagram": cuts an answer's ranges into frames."""
    frames, current, used = [], [], 0
    current_lower, previous = lower, lower
    def close():
        while current and current[-1][1] == RANGE_SKIP:
            current.pop()
        if current:
            frames.append((session, round_, current_lower, list(current)))
    for upper, mode, payload in ranges:
        if not current and mode == RANGE_SKIP:
            current_lower = previous = upper
            continue
        size = len(encode_ranges(previous, [(upper, mode, payload)]))
        last = len(frames) == max_frames - 1
        budget = range_budget - CLOSING_RESERVE if last else range_budget
        if used + size > budget and current:
            cut = current[-1][0]
            if last:
                rest = set_fingerprint([x[1] for x in in_range(items, cut, span_end)])
                current.append((span_end, RANGE_FINGERPRINT, rest))
                frames.append((session, round_, current_lower, list(current)))
                return frames
            close()
            current, used, current_lower, previous = [], 0, cut, cut
            if mode == RANGE_SKIP:
                current_lower = previous = upper
                continue
            size = len(encode_ranges(previous, [(upper, mode, payload)]))
        current.append((upper, mode, payload))
        used += size
        if upper is not None:
            previous = upper
    close()
    return frames


def answer_frame(frame, items, branching, threshold, range_budget=PAYLOAD_BUDGET - FRAME_OVERHEAD, max_frames=4):
    """Section 12.1 step 2-3: (frames to send back, ids to send, ids to request)."""
    session, round_, lower, ranges = frame
    out, have, need = [], [], []
    def skip(upper):
        if out and out[-1][1] == RANGE_SKIP:
            out[-1] = (upper, RANGE_SKIP, None)
        else:
            out.append((upper, RANGE_SKIP, None))
    previous = lower
    for upper, mode, payload in ranges:
        if mode == RANGE_SKIP:
            skip(upper)
        elif mode == RANGE_FINGERPRINT:
            mine = [x[1] for x in in_range(items, previous, upper)]
            if set_fingerprint(mine) == payload:
                skip(upper)
            else:
                out += split_range(items, previous, upper, branching, threshold)
        else:
            mine = [x[1] for x in in_range(items, previous, upper)]
            have += [i for i in mine if i not in payload]
            need += [i for i in payload if i not in mine]
            skip(upper)
        previous = upper
    if round_ >= MAX_ROUNDS:
        return [], have, need
    return pack(out, session, round_ + 1, lower, previous, items, range_budget, max_frames), have, need


def check_exchange(doc):
    """Replays one exchange of section 12.1 from its sets and compares every payload."""
    branching, threshold = doc["branching"], doc["id_list_threshold"]
    range_budget = max(128, doc.get("payload_budget", PAYLOAD_BUDGET) - FRAME_OVERHEAD)
    max_frames = doc.get("max_frames_per_answer", 4)
    sets = {side: sorted((x["stamp"], bytes.fromhex(x["id"])) for x in doc[side]) for side in ("a", "b")}
    a_items = sets["a"]
    opening = (decode_opening_session(doc), 0, MIN_WIRE,
               [(None, RANGE_FINGERPRINT, set_fingerprint([x[1] for x in a_items]))])
    frames, turn, sends, cuts = [opening], "b", {"a": set(), "b": set()}, 0
    expect(len(doc["messages"]) >= 1, "no messages")
    for number, payloads in enumerate(doc["messages"]):
        expect(frames, f"message {number}: the exchange had already ended")
        expected = [encode_reconcile_payload(f).hex() for f in frames]
        expect(payloads == expected, f"message {number}: payloads {expected}")
        for payload in payloads:
            decoded = parse_message(bytes.fromhex(payload), "GossipMessage")
            expect(decoded["version"] == PROTOCOL_VERSION, f"message {number}: version {decoded['version']}")
            frame = decoded["reconcile"]
            lower = (frame["lower_stamp"], frame["lower_id"])
            ranges = decode_ranges(frame["ranges"], lower)
            expect((frame["session"], frame["round"], lower, ranges) in frames, f"message {number}: decoding")
        answers, other = [], "a" if turn == "b" else "b"
        for frame in frames:
            next_frames, have, need = answer_frame(frame, sets[turn], branching, threshold, range_budget, max_frames)
            cuts += max(0, len(next_frames) - 1)
            answers += next_frames
            sends[turn].update(have)
            sends[other].update(need)
        frames, turn = answers, other
    expect(not frames, "the exchange goes on after the last message")
    for side in ("a", "b"):
        expect(sorted(i.hex() for i in sends[side]) == doc[f"{side}_sends"], f"{side}_sends")
    a_ids, b_ids = {x[1] for x in sets["a"]}, {x[1] for x in sets["b"]}
    expect(sends["a"] == a_ids - b_ids and sends["b"] == b_ids - a_ids, "the exchange missed a difference")
    return cuts


def check_payload_case(case):
    """Section 11.2 step 6 and section 12.3 on one whole payload: invalid-ranges, or the bounds read."""
    try:
        frame = parse_message(bytes.fromhex(case["payload"]), "GossipMessage")["reconcile"]
        if len(frame["lower_id"]) > 32:
            raise Reject("invalid-ranges", "lower_id over 32 bytes")
        lower = (frame["lower_stamp"], frame["lower_id"])
        ranges = decode_ranges(frame["ranges"], lower)
    except Reject as rejection:
        expect(case["result"] == rejection.reason, f"{case['name']}: {rejection}")
        return
    expect(case["result"] == "ok", f"{case['name']}: accepted")
    uppers = [None if u is None else [u[0], u[1].hex()] for u, _, _ in ranges]
    expect(uppers == case["uppers"], f"{case['name']}: bounds {uppers}")


def check_reconciliation(doc, tally):
    tally.check("reconciliation exchange", lambda: check_exchange(doc))
    def cut():
        cuts = check_exchange(doc["cut_exchange"])
        expect(cuts > 0, "the cut exchange never cut an answer into frames")
    tally.check("reconciliation exchange with cut answers", cut)
    for case in doc["payloads"]:
        tally.check(f"reconciliation payload {case['name']}", lambda case=case: check_payload_case(case))
    for name, ranges_hex, lower in (("mode 3", "03", MIN_WIRE), ("prefix of 33 bytes", "8500", MIN_WIRE),
                                    ("range after max", "fc00", MIN_WIRE), ("not ascending", "0000", MIN_WIRE),
                                    ("fingerprint cut short", "fd0102", MIN_WIRE)):
        def bad(ranges_hex=ranges_hex, lower=lower):
            try:
                decode_ranges(bytes.fromhex(ranges_hex), lower)
            except Reject as rejection:
                expect(rejection.reason == "invalid-ranges", f"rejected as {rejection}")
            else:
                raise Mismatch("accepted invalid ranges")
        tally.check(f"invalid ranges: {name}", bad)


def decode_opening_session(doc):
    """The session number is random (section 12.1); the vectors' is read from the opening payload."""
    return parse_message(bytes.fromhex(doc["messages"][0][0]), "GossipMessage")["reconcile"]["session"]


INVITE_DOMAIN = b"grapevine/invite/v1\x00"


def parse_invite(text):
    """Returns (error code, entry) for an invite token, as PROTOCOL.md section 13 says."""
    compact = "".join(c for c in text if c not in WHITE_SPACE)
    if not compact.lower().startswith("gvi1"):
        return "missing-prefix", None
    body = compact[4:].lower()
    if any(c not in "abcdefghijklmnopqrstuvwxyz234567" for c in body):
        return "invalid-character", None
    bits = "".join(format("abcdefghijklmnopqrstuvwxyz234567".index(c), "05b") for c in body)
    usable = len(bits) - len(bits) % 8
    if len(bits) - usable >= 5 or "1" in bits[usable:]:
        return "checksum-mismatch", None
    data = bytes(int(bits[i:i + 8], 2) for i in range(0, usable, 8))
    if len(data) <= 4:
        return "checksum-mismatch", None
    entry, checksum = data[:-4], data[-4:]
    if blake2b256(INVITE_DOMAIN, entry)[:4] != checksum:
        return "checksum-mismatch", None
    try:
        decoded = check_entry(entry)
    except Reject as rejection:
        return rejection.reason, None
    if decoded["kind"] != 2 or not decoded["content"]["addresses"]:
        return "not-an-endpoint", None
    return None, entry


def check_invites(doc, tally):
    for v in doc["vectors"]:
        def one(v=v):
            error, entry = parse_invite(v["text"])
            expect(error is None and entry.hex() == v["entry"], f"{v['name']}: {error}")
        tally.check(f"invite {v['name']}", one)
    for bad in doc["invalid"]:
        def one(bad=bad):
            error, _ = parse_invite(bad["text"])
            expect(error == bad["error"], f"{bad['description']}: {error}, expected {bad['error']}")
        tally.check(f"invalid invite {bad['error']}", one)


# ---------------------------------------------------------------------------------------------
# Addresses a node never sends to (PROTOCOL.md section 11.3)


def unusable(ip, port, loopback_listener):
    """The kind of address a node must not send to, or None: section 11.3's list, in its words."""
    if port == 0:
        return "port-0"
    if len(ip) == 16 and ip[:10] == bytes(10) and ip[10:12] == b"\xff\xff":
        ip = ip[12:]  # IPv4-mapped: judged as the IPv4 address it carries
    if len(ip) == 4:
        if ip[0] == 0:
            return "unspecified"  # 0.0.0.0/8
        if ip == b"\xff\xff\xff\xff":
            return "broadcast"
        if 224 <= ip[0] <= 239:
            return "multicast"  # 224.0.0.0/4
        loopback = ip[0] == 127  # 127.0.0.0/8
    else:
        if ip == bytes(16):
            return "unspecified"
        if ip[0] == 0xFF:
            return "multicast"  # ff00::/8
        loopback = ip == bytes(15) + b"\x01"
    return "loopback" if loopback and not loopback_listener else None


def check_addresses(doc, tally):
    for v in doc["vectors"]:
        def one(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            expect(entry["kind"] == 2, "not an endpoint entry")
            for field, loopback_listener in (("usable_loopback_listener", True), ("usable_other_listener", False)):
                usable = [{"kind": a["kind"], "ip": a["ip"], "port": a["port"]} for a in entry["content"]["addresses"]
                          if unusable(a["ip"], a["port"], loopback_listener) is None]
                stated = expected_content(2, {"addresses": v[field]})["addresses"]
                expect(usable == stated, f"{field}: {usable}, the vector says {stated}")
        tally.check(f"addresses {v['name']}", one)


# ---------------------------------------------------------------------------------------------
# Observed addresses and punching (PROTOCOL.md sections 11.2, 11.7 and 11.8)

def nat_frame_verdict(payload):
    """Section 11.2's checks 8, 9 and 11 on a version-2 payload: None if accepted, else the reason."""
    m = parse_message(payload, "GossipMessage")
    expect(m["version"] == PROTOCOL_VERSION, f"version {m['version']}")
    ack = m["ack"]
    if ack is not None and ack["observed"] is not None:
        observed = ack["observed"]
        if len(observed["ip"]) not in (4, 16) or not 1 <= observed["port"] <= 65535:
            return "invalid-field", m
    for name, key in (("punch_request", "target"), ("punch", "peer")):
        frame = m[name]
        if frame is not None and (len(frame[key]) != 32 or len(frame["endpoint"]) > MAX_ENTRY_SIZE):
            return "invalid-field", m
    request = m["dialback_request"]
    if request is not None and (len(request["candidates"]) not in (32, 64, 96, 128)):
        return "invalid-field", m
    dialback = m["dialback"]
    if dialback is not None:
        target = dialback["target"]
        if (len(dialback["peer"]) != 32 or target is None or len(target["ip"]) not in (4, 16)
                or not 1 <= target["port"] <= 65535):
            return "invalid-field", m
    return None, m


def check_nat(doc, tally):
    for v in doc["frames"]:
        def one(v=v):
            reason, m = nat_frame_verdict(bytes.fromhex(v["payload"]))
            expect(reason == v.get("dropped"), f"verdict {reason}, the vector says {v.get('dropped')}")
            if reason:
                return
            if "ack_sequence" in v:
                expect(m["ack"]["sequence"] == v["ack_sequence"], "ack sequence")
                observed = m["ack"]["observed"]
                if "observed" in v:
                    stated = v["observed"]
                    expect(observed is not None and observed["ip"] == ipaddress.ip_address(stated["ip"]).packed
                           and observed["port"] == stated["port"], f"observed {observed}")
                else:
                    expect(observed is None, "an observed address the vector does not list")
            if "target" in v:
                expect(m["punch_request"]["target"].hex() == v["target"], "punch-request target")
                expect(m["punch_request"]["endpoint"].hex() == v["endpoint"], "punch-request endpoint")
                entry = check_entry(m["punch_request"]["endpoint"])
                expect(entry["kind"] == 2, "a punch request carries an endpoint entry")
            if "peer" in v:
                punch = m["punch"]
                expect(punch["peer"].hex() == v["peer"], "punch peer")
                expect(punch["endpoint"].hex() == v.get("endpoint", ""), "punch endpoint")
                expect(punch["delay_ms"] == v.get("delay_ms", 0), "punch delay")
                if punch["endpoint"]:
                    entry = check_entry(punch["endpoint"])
                    expect(entry["kind"] == 2 and entry["author"] == punch["peer"],
                           "a punch's endpoint entry is the peer's own")
            if "candidates" in v:
                keys = m["dialback_request"]["candidates"]
                expect([keys[i:i + 32].hex() for i in range(0, len(keys), 32)] == v["candidates"],
                       "dial-back candidates")
            if "dialback_peer" in v:
                dialback = m["dialback"]
                stated = v["dialback_target"]
                expect(dialback["peer"].hex() == v["dialback_peer"], "dial-back peer")
                expect(dialback["target"]["ip"] == ipaddress.ip_address(stated["ip"]).packed
                       and dialback["target"]["port"] == stated["port"], f"dial-back target {dialback['target']}")
        tally.check(f"nat frame {v['name']}", one)
    check_endpoint_vectors(doc["endpoints"], "nat", tally)


def check_endpoint_vectors(vectors, label, tally):
    """Valid endpoint entries whose decoded addresses are as the vectors list them."""
    for v in vectors:
        def endpoint(v=v):
            entry = check_entry(bytes.fromhex(v["entry"]))
            stated = expected_content(2, {"addresses": v["addresses"]})["addresses"]
            expect(entry["content"]["addresses"] == stated, f"addresses {entry['content']['addresses']}")
        tally.check(f"{label} endpoint {v['name']}", endpoint)


# Relays (section 11.9).
RELAY_MAGIC = 0xA2
RELAY_HEADER = 10
SEALED_OVERHEAD = 73
MAX_DATAGRAM = 1200
RELAY_TYPES = {1: "to-relay", 2: "from-relay"}
RELAY_OPS = {1: "reserve", 2: "reservation", 3: "connect", 4: "circuit"}
RELAY_STATUSES = {1: "accepted", 2: "full", 3: "no-reservation", 4: "too-many-circuits", 5: "not-relaying"}


def relay_frame(frame):
    """Section 11.9.1's header checks, in order: (reason, None) or (None, fields)."""
    if frame[0] != RELAY_MAGIC:
        raise Mismatch("byte 0 is not a relay frame's")
    if len(frame) < RELAY_HEADER + SEALED_OVERHEAD:
        return "too-small", None
    if len(frame) > RELAY_HEADER + MAX_DATAGRAM:
        return "too-large", None
    if frame[1] not in RELAY_TYPES:
        return "unknown-type", None
    circuit = int.from_bytes(frame[2:RELAY_HEADER], "little")
    if circuit == 0:
        return "zero-circuit", None
    inner = frame[RELAY_HEADER:]
    if inner[0] != 0x90 | PROTOCOL_VERSION:
        return "bad-inner-magic", None
    return None, {"type": RELAY_TYPES[frame[1]], "circuit": circuit, "inner": inner, "inner_sender": inner[1:33]}


def relay_control_verdict(payload):
    """Section 11.2's check 10 on a version-2 payload: None if accepted, else the reason."""
    m = parse_message(payload, "GossipMessage")
    expect(m["version"] == PROTOCOL_VERSION, f"version {m['version']}")
    r = m["relay"]
    expect(r is not None, "no relay frame")
    if r["op"] not in RELAY_OPS:
        return "invalid-field", r
    names_peer = r["op"] in (3, 4)
    if (len(r["peer"]) != 32) if names_peer else (r["peer"] != b""):
        return "invalid-field", r
    answers = r["op"] in (2, 4)
    if (r["status"] not in RELAY_STATUSES) if answers else (r["status"] != 0):
        return "invalid-field", r
    if r["op"] == 4 and r["status"] == 1 and r["circuit"] == 0:
        return "invalid-field", r
    return None, r


def check_relay(doc, tally):
    for v in doc["headers"]:
        def header(v=v):
            frame = bytes.fromhex(v["frame"])
            reason, h = relay_frame(frame)
            expect(reason is None, f"refused as {reason}")
            expect(h["type"] == v["type"] and h["circuit"] == v["circuit"], f"header {h['type']} {h['circuit']}")
            expect(h["inner"].hex() == v["inner"] and h["inner_sender"].hex() == v["inner_sender"], "inner datagram")
            rebuilt = bytes([RELAY_MAGIC, frame[1]]) + v["circuit"].to_bytes(8, "little") + bytes.fromhex(v["inner"])
            expect(rebuilt == frame, "the frame is not its header and inner datagram")
        tally.check(f"relay frame {v['name']}", header)
    for v in doc["invalid_headers"]:
        def refused(v=v):
            reason, _ = relay_frame(bytes.fromhex(v["frame"]))
            expect(reason == v["reason"], f"verdict {reason}, the vector says {v['reason']}")
        tally.check(f"refused relay frame {v['name']}", refused)
    for v in doc["controls"]:
        def control(v=v):
            reason, r = relay_control_verdict(bytes.fromhex(v["payload"]))
            expect(reason == v.get("dropped"), f"verdict {reason}, the vector says {v.get('dropped')}")
            if reason:
                return
            expect(RELAY_OPS[r["op"]] == v["op"], f"op {r['op']}")
            expect(r["peer"].hex() == v.get("peer", ""), "peer")
            expect(RELAY_STATUSES.get(r["status"]) == v.get("status"), f"status {r['status']}")
            expect(r["circuit"] == v.get("circuit", 0), "circuit")
            expect(r["lifetime_ms"] == v.get("lifetime_ms", 0), "lifetime")
            expect(r["rate"] == v.get("rate", 0), "rate")
        tally.check(f"relay control {v['name']}", control)
    check_endpoint_vectors(doc["endpoints"], "relay", tally)
    for v in doc["invalid_endpoints"]:
        def invalid(v=v):
            try:
                check_entry(bytes.fromhex(v["entry"]))
            except Reject as r:
                expect(r.reason == v["reason"], f"refused as {r.reason}, the vector says {v['reason']}")
                return
            raise Mismatch("accepted")
        tally.check(f"invalid relay endpoint {v['name']}", invalid)


# ---------------------------------------------------------------------------------------------
# Discovery announcements (PROTOCOL.md section 17)

NEARBY_MAGIC = b"GVNA"
NEARBY_HEADER = 31


def nearby_verdict(data, receiver, now, freshness):
    """Section 17.3's stateless checks 3, 4 and 6 to 9, in order: (reason or None, fields)."""
    if not NEARBY_HEADER + 64 <= len(data) <= NEARBY_HEADER + MAX_ENTRY_SIZE + 64:
        return "malformed", None
    if data[:4] != NEARBY_MAGIC or data[4] != 1:
        return "malformed", None
    sent_at = int.from_bytes(data[5:13], "big")
    nonce = data[13:29]
    length = int.from_bytes(data[29:31], "big")
    if length == 0 or len(data) != NEARBY_HEADER + length + 64:
        return "malformed", None
    if sent_at > now + freshness or sent_at + freshness < now:
        return "stale", None
    entry_bytes, signature = data[NEARBY_HEADER:NEARBY_HEADER + length], data[NEARBY_HEADER + length:]
    try:
        entry = parse_entry(entry_bytes)
    except Reject:
        return "not-endpoint", None
    if entry["kind"] != 2:
        return "not-endpoint", None
    if entry["author"] == receiver:
        return "own", None
    try:
        verify_signature(signature, entry["author"], NEARBY_DOMAIN + data[:NEARBY_HEADER + length])
    except Reject:
        return "bad-signature", None
    try:
        verify_signature(entry["signature"], entry["author"], ENTRY_DOMAIN + entry["body"])
    except Reject:
        return "bad-entry-signature", None
    return None, {"author": entry["author"], "sent_at": sent_at, "nonce": nonce, "entry": entry_bytes}


def check_nearby(doc, tally):
    def constants():
        expect(doc["ipv4_group"] == "239.255.74.74" and doc["ipv6_group"] == "ff02::7474", "groups")
        expect(doc["port"] == 7475 and doc["freshness_ms"] == 60000, "port and freshness window")
        expect(ipaddress.ip_address(doc["ipv4_group"]).is_multicast, "the IPv4 group is multicast")
        expect(ipaddress.ip_address(doc["ipv6_group"]).packed[:2] == b"\xff\x02", "the IPv6 group is link-local")
    tally.check("nearby constants", constants)
    for v in doc["vectors"]:
        def one(v=v):
            reason, fields = nearby_verdict(bytes.fromhex(v["announcement"]), parse_identity(v["receiver"]),
                                            v["now_ms"], doc["freshness_ms"])
            expect(reason == v.get("dropped"), f"verdict {reason}, the vector says {v.get('dropped')}")
            if reason:
                return
            expect(fields["author"] == parse_identity(v["author"]), "author")
            expect(fields["sent_at"] == v["sent_at_ms"], "sent_at")
            expect(fields["nonce"].hex() == v["nonce"], "nonce")
            expect(fields["entry"].hex() == v["entry"], "entry")
        tally.check(f"nearby {v['name']}", one)


def main(argv):
    if len(argv) != 2:
        print("usage: check_vectors.py VECTORS_DIR", file=sys.stderr)
        return 2
    directory = argv[1]
    checks = [
        ("identities.json", check_identities),
        ("entries.json", check_entries),
        ("negative.json", check_negative),
        ("merge.json", check_merge),
        ("datagrams.json", check_datagrams),
        ("invites.json", check_invites),
        ("private.json", check_private),
        ("reconciliation.json", check_reconciliation),
        ("addresses.json", check_addresses),
        ("nat.json", check_nat),
        ("nearby.json", check_nearby),
        ("relay.json", check_relay),
    ]
    passed = failed = 0
    for filename, fn in checks:
        path = os.path.join(directory, filename)
        tally = Tally()
        if filename == "merge.json" and not os.path.exists(path):
            print("merge.json: not present, skipped")
            continue
        if not os.path.exists(path):
            tally.failed += 1
            tally.messages.append(f"  FAIL {path} is missing")
        else:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            try:
                fn(doc, tally)
            except (Mismatch, KeyError, TypeError, ValueError) as error:
                tally.failed += 1
                tally.messages.append(f"  FAIL {filename}: {type(error).__name__}: {error}")
        print(f"{filename}: {tally.passed} passed, {tally.failed} failed")
        for message in tally.messages:
            print(message)
        passed += tally.passed
        failed += tally.failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
