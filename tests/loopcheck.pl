#!/usr/bin/perl
# loopcheck.pl - read `objdump -d` of racelab_plain_loop on stdin and check
# that its loop really loads the counter from memory, adds, and stores it back
# on every iteration, with no lock prefix (x86-64 AT&T syntax).
# Prints one line: "ok: <loop body>" or "bad: <why>: <loop body>"; exit 0/1.
use strict;
use warnings;
my @ins;    # [addr, text]
while (<STDIN>) {
	next unless /^\s*([0-9a-f]+):\t(.*)$/;
	my ($a, $t) = (hex $1, $2);
	$t =~ s/\s+/ /g;
	$t =~ s/\s*#.*$//;    # objdump comments
	push @ins, [$a, $t];
}
die "bad: no instructions\n" unless @ins;
# the loop: a jump back to an earlier address inside the function
my ($lo, $hi);
for my $i (@ins) {
	next unless $i->[1] =~ /^j\w+ ([0-9a-f]+)\b/;
	my $to = hex $1;
	if ($to <= $i->[0] && $to >= $ins[0][0]) { ($lo, $hi) = ($to, $i->[0]); }
}
unless (defined $lo) { print "bad: no backward jump, the loop is gone\n"; exit 1; }
my @body = grep { $_->[0] >= $lo && $_->[0] <= $hi } @ins;
my $text = join '; ', map { $_->[1] } @body;
if ($text =~ /\block\b/) { print "bad: lock prefix: $text\n"; exit 1; }
# memory operand of the counter: (%reg) or disp(%reg)
my ($load, $store, $rmw, $add);
for my $b (@body) {
	my $t = $b->[1];
	$load  = $1 if $t =~ /^mov\w* (-?(?:0x)?[0-9a-f]*\(%\w+\)),%\w+$/;
	$store = $1 if $t =~ /^mov\w* %\w+,(-?(?:0x)?[0-9a-f]*\(%\w+\))$/;
	$rmw   = $1 if $t =~ /^(?:add\w* \$0x1,|inc\w* )(-?(?:0x)?[0-9a-f]*\(%\w+\))$/;
	$add   = 1  if $t =~ /^(?:add|inc|lea|sub)/;
}
if ($rmw || ($load && $store && $load eq $store && $add)) {
	print "ok: $text\n";
	exit 0;
}
print "bad: no load-add-store of one memory location: $text\n";
exit 1;
