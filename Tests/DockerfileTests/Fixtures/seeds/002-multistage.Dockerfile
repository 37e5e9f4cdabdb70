FROM golang:latest as builder
ADD . /go/src/github.com/repo/project
RUN go build -o /tmp/binary .

FROM alpine:latest
COPY --from=builder /tmp/binary /usr/local/binary
CMD /usr/local/binary
