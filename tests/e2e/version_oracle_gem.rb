# Oracle for tests/e2e/version_gem_composer_oracle.sh: reads "A B" lines and prints
# RubyGems' answer per line: <, =, > or error (Gem::Version.new refuses a version, or <=>
# gives no answer). One process for every pair.
require "rubygems"
STDOUT.sync = false
STDIN.each_line do |line|
  a, b = line.chomp.split(" ", 2)
  begin
    c = Gem::Version.new(a) <=> Gem::Version.new(b)
    puts(c.nil? ? "error" : ["<", "=", ">"][c + 1])
  rescue ArgumentError
    puts "error"
  end
end
