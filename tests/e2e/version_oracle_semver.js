// node-semver's answer for each "A B" line on stdin: <, =, > or error. Used by
// tests/e2e/version_lang_oracle.sh. The reference is semver.compare in its default (strict)
// mode, plus strata's two documented differences, applied here so that every other
// disagreement is a real one: a single leading "=" is accepted (strata's extension), and a
// numeric prerelease identifier above 2^53-1 is an error (node-semver compares it as a
// rounded double).
'use strict';
const path = process.argv[2] || '/usr/share/nodejs/semver';
// The SemVer class alone: the package index also loads ranges, which need lru-cache, and a
// node that is not Debian's does not look in /usr/share/nodejs for it.
const SemVer = require(path + '/classes/semver');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
const out = [];
function parse(s) {
    let t = s.trim();
    if (t.startsWith('=')) t = t.slice(1);
    const v = new SemVer(t); // throws TypeError on an invalid version
    for (const id of v.prerelease) {
        if (typeof id === 'string' && /^[0-9]+$/.test(id) && BigInt(id) > 9007199254740991n)
            throw new TypeError('prerelease number above 2^53-1');
    }
    return v;
}
for (const line of lines) {
    if (line === '') continue;
    const [a, b] = line.split(' ');
    let r;
    try {
        const c = parse(a).compare(parse(b));
        r = c < 0 ? '<' : c > 0 ? '>' : '=';
    } catch (e) {
        r = 'error';
    }
    out.push(r);
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
