/** IP addresses as Zipkin's binary encodings carry them, rendered the way Zipkin's JSON does. */

export function ipv4FromBytes(b: Uint8Array): string | undefined {
  if (b.length !== 4) return undefined;
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** Thrift v1 packs IPv4 into a signed i32, big endian; 0 means unknown. */
export function ipv4FromInt(n: number): string | undefined {
  if (n === 0) return undefined;
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 0xff}.${(u >>> 8) & 0xff}.${u & 0xff}`;
}

/** RFC 5952 text: lowercase, zero runs compressed once, IPv4-mapped addresses as IPv4. */
export function ipv6FromBytes(b: Uint8Array): string | undefined {
  if (b.length !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return ipv4FromBytes(b.subarray(12));
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}
