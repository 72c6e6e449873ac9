// Distinct hues that read on both themes; a service keeps its colour across pages
// because the index comes from its name, not from its order of appearance.
const PALETTE = ['#17b8be', '#f8dca1', '#b7885e', '#ffcb99', '#f89570', '#829ae3', '#e79fd5', '#1e96be', '#89dac1', '#b3ad9e', '#12939a', '#ddb27c', '#88572c', '#ff9833', '#ef5d28', '#162a65', '#da70bf', '#125c77', '#4dc19c', '#776e57'];

const cache = new Map<string, string>();

export function serviceColor(name: string): string {
  let c = cache.get(name);
  if (c === undefined) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
    c = PALETTE[Math.abs(h) % PALETTE.length]!;
    cache.set(name, c);
  }
  return c;
}
