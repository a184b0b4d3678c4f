<?php
// Oracle for tests/e2e/version_gem_composer_oracle.sh: reads "A B" lines and prints the
// answer Composer gives per line: each version through Composer\Semver\VersionParser::
// normalize, then Composer\Semver\Comparator (version_compare on the normalized forms):
// <, =, > or error (normalize refuses a version, or one is a dev- branch, which Composer
// never orders). argv[1]: the directory holding Composer/Semver/autoload.php.
require $argv[1] . '/Composer/Semver/autoload.php';

use Composer\Semver\Comparator;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
while (($line = fgets(STDIN)) !== false) {
    $f = explode(' ', rtrim($line, "\n"), 2);
    try {
        $a = $parser->normalize($f[0]);
        $b = $parser->normalize($f[1]);
    } catch (\UnexpectedValueException $e) {
        echo "error\n";
        continue;
    }
    if (strpos($a, 'dev-') === 0 || strpos($b, 'dev-') === 0) {
        echo "error\n";
    } elseif (Comparator::lessThan($a, $b)) {
        echo "<\n";
    } elseif (Comparator::equalTo($a, $b)) {
        echo "=\n";
    } elseif (Comparator::greaterThan($a, $b)) {
        echo ">\n";
    } else {
        echo "error\n";
    }
}
