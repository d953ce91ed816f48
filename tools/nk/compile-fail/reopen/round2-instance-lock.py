# SPDX-License-Identifier: GPL-2.0
# Reopens the hole case 53 covers: the instance lock without the RTNL proof.
import sys,re,glob
d=sys.argv[1]
p=d+'/net/dev/lock.rs'
s=open(p).read()
a="    pub fn lock(&self, _rtnl: &Rtnl) -> InstanceGuard<'_> {"
assert a in s
s=s.replace(a,"    pub fn lock(&self) -> InstanceGuard<'_> {",1)
open(p,'w').write(s)
for f in glob.glob(d+'/net/**/*.rs', recursive=True):
    s=open(f).read()
    s2=re.sub(r'\.lock\(&?rtnl\)', '.lock()', s)
    if s2!=s: open(f,'w').write(s2)
