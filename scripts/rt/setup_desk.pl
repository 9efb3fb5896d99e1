# Sets up a fresh Request Tracker database for `peakdesk drive`: the queue,
# the intake user and N virtual-agent users (privileged, with passwords),
# their rights on the queue, and every scrip disabled (no mail is sent
# here, and the drive plays what the scrips would do: owners, statuses).
# Writes intake.password and agents.txt (`username password` lines) to DIR.
# Run with RT_SITE_CONFIG pointing at the site config rt.sh wrote:
#   perl -I/usr/share/request-tracker5/lib setup_desk.pl DIR QUEUE AGENTS
use strict;
use warnings;
use RT;
RT::LoadConfig();
RT::Init();

my ($dir, $queue_name, $agents) = @ARGV;
die "usage: setup_desk.pl DIR QUEUE AGENTS\n" unless $agents && $agents =~ /^\d+$/;
my $system = RT->SystemUser;

sub check { my ($ok, $msg, $what) = @_; die "$what: $msg\n" unless $ok; }

my $queue = RT::Queue->new($system);
check($queue->Create(Name => $queue_name, Description => 'peakdesk shoppers'), "queue $queue_name");

my $scrips = RT::Scrips->new($system);
$scrips->UnLimit;
while (my $s = $scrips->Next) {
    check($s->SetDisabled(1), 'disabling scrip ' . $s->id) unless $s->Disabled;
}

sub password { join '', map { ('a'..'z', 'A'..'Z', 0..9)[rand 62] } 1..20 }

sub user {
    my ($name) = @_;
    my $pass = password();
    my $u = RT::User->new($system);
    check($u->Create(Name => $name, Password => $pass, Privileged => 1), "user $name");
    return "$name $pass";
}

my $privileged = RT::Group->new($system);
$privileged->LoadSystemInternalGroup('Privileged');
for my $right (qw(SeeQueue CreateTicket ShowTicket ReplyToTicket CommentOnTicket
                  ModifyTicket OwnTicket TakeTicket ShowTicketComments)) {
    check($privileged->PrincipalObj->GrantRight(Right => $right, Object => $queue), "right $right");
}

my $intake = user('intake');
open my $fh, '>', "$dir/intake.password" or die "$dir/intake.password: $!\n";
print $fh ((split ' ', $intake)[1], "\n");
close $fh;
open $fh, '>', "$dir/agents.txt" or die "$dir/agents.txt: $!\n";
print $fh user("agent$_"), "\n" for 1 .. $agents;
close $fh;
print "queue $queue_name\n";
