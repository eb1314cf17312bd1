/* The names of the error numbers a system call returns (shoji/abi.h). */
#include "user.h"

static const struct {
	long err;
	const char *name;
} errnames[] = {
    {SHOJI_EPERM, "EPERM"},	{SHOJI_EAGAIN, "EAGAIN"}, {SHOJI_ESRCH, "ESRCH"},
    {SHOJI_ENOMEM, "ENOMEM"},	{SHOJI_EFAULT, "EFAULT"}, {SHOJI_EINVAL, "EINVAL"},
    {SHOJI_EDEADLK, "EDEADLK"}, {SHOJI_ENOSYS, "ENOSYS"}, {SHOJI_EMSGSIZE, "EMSGSIZE"},
};

const char *sys_errname(long err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return "E?";
}
